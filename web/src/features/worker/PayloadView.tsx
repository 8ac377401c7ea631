/** A string that is an http(s) URL of an image file. */
export function isImageUrl(value: string): boolean {
  return /^https?:\/\/\S+\.(png|jpe?g|gif|webp|avif|svg)(\?\S*)?$/i.test(value);
}

/**
 * The item to label: text fields as text, image URLs as images, anything else as formatted
 * JSON, in the payload's own field order.
 */
export function PayloadView({
  payload,
  omit = [],
}: {
  payload: Record<string, unknown>;
  /** Fields not to show (the answer widget shows them itself). */
  omit?: readonly string[];
}) {
  const fields = Object.entries(payload).filter(([field]) => !omit.includes(field));
  return (
    <dl className="payload">
      {fields.map(([field, value]) => (
        <div key={field}>
          <dt>{field}</dt>
          <dd>
            {typeof value === 'string' ? (
              isImageUrl(value) ? (
                <img src={value} alt={field} />
              ) : (
                <p className="payload-text">{value}</p>
              )
            ) : (
              <pre>{JSON.stringify(value, null, 2)}</pre>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
