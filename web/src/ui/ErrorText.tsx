/** An API or validation message, announced to screen readers; renders nothing when empty. */
export function ErrorText({ message }: { message: string }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
