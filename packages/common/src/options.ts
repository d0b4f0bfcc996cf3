// How Endure treats each option of a Temporal-shaped options type. Code written for Temporal
// passes options by Temporal's names; every one of them must either do what Temporal's does or
// be refused by name — never accepted and ignored. Each options type gets one table keyed by
// `keyof` the type, so the compiler demands a decision for every option a type gains, and the
// options-table test walks every table (a refusal is called and its error checked; an honoured
// option names the test that shows its behaviour).

/** The option does what Temporal's does; `test` is the repository file that shows it. */
export interface Honoured {
  readonly honoured: string;
}

/** The option is refused when given (any value but `undefined`); `why` says what to do instead. */
export interface Refused {
  readonly refused: string;
}

export type OptionDecision = Honoured | Refused;

/** A decision for every option of `T`, optional or not. */
export type OptionTable<T> = { readonly [K in keyof Required<T>]-?: OptionDecision };

/** An option Endure does not implement (or does not know) was given. */
export class UnsupportedOptionError extends TypeError {
  override name = 'UnsupportedOptionError';
  constructor(
    readonly where: string,
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export interface OptionTableEntry {
  /** The options type as a user knows it, e.g. `WorkflowStartOptions`. */
  readonly type: string;
  /** The call that receives it, e.g. `client.workflow.start`. */
  readonly where: string;
  readonly table: Readonly<Record<string, OptionDecision>>;
}

const tables: OptionTableEntry[] = [];

/** Declares the table of one options type; the options-table test finds it here. */
export function optionTable<T>(type: string, where: string, table: OptionTable<T>): OptionTable<T> {
  tables.push({ type, where, table });
  return table;
}

/** Every table declared by the packages loaded so far. */
export function registeredOptionTables(): readonly OptionTableEntry[] {
  return tables;
}

/**
 * Refuses options that are not implemented, and names that are not options at all (a typo, or
 * an option of a newer Temporal release), each with the option's name.
 */
export function checkOptions(where: string, type: string, options: object | undefined, table: Readonly<Record<string, OptionDecision>>): void {
  if (options === undefined || options === null) return;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const decision = Object.hasOwn(table, name) ? table[name] : undefined;
    if (decision === undefined) {
      const known = Object.keys(table).sort().join(', ');
      throw new UnsupportedOptionError(where, name, `${where}: '${name}' is not an option of ${type}; the options are: ${known}`);
    }
    if ('refused' in decision) {
      throw new UnsupportedOptionError(where, name, `${where}: option '${name}' is not supported by Endure: ${decision.refused}`);
    }
  }
}
