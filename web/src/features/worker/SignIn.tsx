import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { Link, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { TextField } from '../../ui/TextField';

/** What signing in or up returns: the token (kept in memory) and who it is. */
graphql(`
  fragment SessionPayload on AuthPayload {
    token
    user {
      id
      displayName
      roles
    }
  }
`);

const LogIn = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      ...SessionPayload
    }
  }
`);

const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...SessionPayload
    }
  }
`);

/** Sign in, or sign up as a worker; the token goes to the in-memory session. */
export function SignIn({ mode }: { mode: 'signIn' | 'signUp' }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [logInResult, logIn] = useMutation(LogIn);
  const [signUpResult, signUp] = useMutation(SignUp);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const signingUp = mode === 'signUp';
  const result = signingUp ? signUpResult : logInResult;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const payload = signingUp
      ? (await signUp({ input: { email, password, displayName, roles: ['WORKER'] } })).data?.signUp
      : (await logIn({ input: { email, password } })).data?.logIn;
    if (!payload) return;
    signIn({
      token: payload.token,
      userId: payload.user.id,
      displayName: payload.user.displayName,
      roles: payload.user.roles,
    });
    navigate('/');
  };

  return (
    <section className="card narrow">
      <h1>{signingUp ? t('auth.signUp') : t('auth.signIn')}</h1>
      <p>{t('auth.welcome')}</p>
      <form onSubmit={onSubmit}>
        {signingUp && (
          <TextField
            label={t('auth.displayName')}
            name="displayName"
            required
            value={displayName}
            onValue={setDisplayName}
          />
        )}
        <TextField
          label={t('auth.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
        />
        <TextField
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete={signingUp ? 'new-password' : 'current-password'}
          required
          minLength={signingUp ? 10 : undefined}
          value={password}
          onValue={setPassword}
        />
        <ErrorText message={errorMessage(t, result.error)} />
        <button type="submit" className="primary" disabled={result.fetching}>
          {signingUp ? t('auth.signUp') : t('auth.signIn')}
        </button>
      </form>
      <p>
        {signingUp ? (
          <Link to="/signin">{t('auth.haveAccount')}</Link>
        ) : (
          <Link to="/signup">{t('auth.noAccount')}</Link>
        )}
      </p>
    </section>
  );
}
