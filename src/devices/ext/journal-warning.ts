/** The ext flavours the readers open (the caller detected which from the superblock). */
export type ExtKind = 'ext2' | 'ext3' | 'ext4';

/**
 * The customer-facing warning for a journal that needed recovery and was not replayed
 * (DECISIONS §9). Shared by the ext readers so that both say the same sentence.
 */
export function journalNotReplayedWarning(kind: ExtKind): string {
  return (
    `The ${kind} journal on this device needed recovery (the device was not cleanly unmounted) and ` +
    'was not replayed, so files written shortly before the device was removed may be missing or out of date.'
  );
}
