/**
 * Names for prepared statements, one per distinct SQL text, the same on every session of one database. A named
 * statement is parsed and planned once per session and then only bound and run; an unnamed one is parsed and
 * planned on every run, which for the store's request read costs more than running it.
 *
 * At most `max` texts get a name. The store's texts are a fixed set (a few dozen, counting the combinations of
 * optional filters); the cap only keeps a future text built from data from growing every session's statement
 * cache without bound: texts beyond it run unnamed.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly max = 256,
  ) {}

  /** The name of this text's statement, or null when the cap is reached and the text runs unnamed. */
  of(text: string): string | null {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= this.max) return null;
    const name = `${this.prefix}${this.names.size}`;
    this.names.set(text, name);
    return name;
  }
}
