import type { Entry } from './context.js';

/** The top-level fields read so far: each one's typed value (undefined when refused) and its entry. */
export class FieldValues {
  private readonly fields = new Map<string, { value: unknown; entry: Entry }>();

  set(entry: Entry, value: unknown): void {
    this.fields.set(entry.name, { value, entry });
  }

  /** True when the field is written in the manifest, whether or not its value was accepted. */
  written(name: string): boolean {
    return this.fields.has(name);
  }

  /** The accepted value. The caller names the type the field's reader produces. */
  get<T>(name: string): T | undefined {
    return this.fields.get(name)?.value as T | undefined;
  }

  entry(name: string): Entry | undefined {
    return this.fields.get(name)?.entry;
  }
}
