import { createClient as createSocketClient, type Client as SocketClient } from 'graphql-ws';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { cacheExchange, Client, fetchExchange, Provider, subscriptionExchange } from 'urql';

/** Who is signed in. The bearer token lives only in memory (never in localStorage). */
export interface Session {
  readonly token: string;
  readonly userId: string;
  readonly displayName: string;
  readonly roles: readonly string[];
}

interface SessionValue {
  readonly session: Session | null;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * A GraphQL client for `/graphql` that sends the in-memory token. POST with a JSON body always
 * (no GET queries), which is what the API's CSRF prevention accepts. Subscriptions go over a
 * WebSocket on the same path (graphql-ws), opened on the first one and authenticated with the
 * same token in `connectionParams`.
 */
function createClient(token: () => string | null): { client: Client; socket: SocketClient } {
  const socket = createSocketClient({
    url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
    connectionParams: (): Record<string, string> => {
      const current = token();
      return current ? { authorization: `Bearer ${current}` } : {};
    },
    lazy: true,
  });
  const client = new Client({
    url: '/graphql',
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: request => ({
          subscribe: sink => ({
            unsubscribe: socket.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => {
      const current = token();
      const headers: Record<string, string> = {};
      if (current) headers.authorization = `Bearer ${current}`;
      return { headers };
    },
  });
  return { client, socket };
}

/** Holds the session and a GraphQL client; a new client per session, so no cache is shared. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const tokenRef = useRef<string | null>(null);
  tokenRef.current = session?.token ?? null;
  const { client, socket } = useMemo(
    () => createClient(() => tokenRef.current),
    // A fresh client (and cache, and socket) whenever the signed-in user changes.
    [session?.userId],
  );
  // The previous user's socket closes when the session changes (not on StrictMode's remount).
  const lastSocket = useRef(socket);
  useEffect(() => {
    if (lastSocket.current !== socket) void lastSocket.current.dispose();
    lastSocket.current = socket;
  }, [socket]);
  const value = useMemo<SessionValue>(
    () => ({ session, signIn: setSession, signOut: () => setSession(null) }),
    [session],
  );
  return (
    <SessionContext.Provider value={value}>
      <Provider value={client}>{children}</Provider>
    </SessionContext.Provider>
  );
}

/** The current session and its actions. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
