import { BadUserInputError } from '../../common/errors';

/**
 * The reference an admin gives for money moved by hand (a wire number, a receipt), trimmed;
 * refuses an empty or over-long one so the ledger's audit trail always says something.
 */
export function checkManualReference(reference: string): string {
  const trimmed = reference.trim();
  if (trimmed.length === 0 || trimmed.length > 500) {
    throw new BadUserInputError('reference must have 1 to 500 characters', {
      field: 'reference',
    });
  }
  return trimmed;
}
