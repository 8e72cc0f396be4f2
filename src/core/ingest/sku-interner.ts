// Each distinct sku of a file, by index: its name and what the weekly table
// says about it (category, seed id, fixed price, the values of a sku made of
// several columns).

/** The skus read so far, by index, for the weekly table. */
export interface SkuView {
  readonly names: readonly string[];
  readonly categories: readonly string[];
  /** Unit price of category+price skus; NaN for skus from a sku column. */
  readonly prices: readonly number[];
  /** The seed's product id of category+price skus; -1 for the others. */
  readonly seeds: readonly number[];
  /** The values of a sku made of several columns (ColumnPlan.skuParts), by sku index. */
  readonly partValues: readonly (string[] | undefined)[];
  /** Skus whose rows name more than one category (a store keyed alone across its departments). */
  readonly mixed: ReadonlySet<number>;
  /** The first such sku and two of its categories, for the warning. */
  readonly mixedExample: MixedCategory | null;
}

export interface MixedCategory {
  sku: string;
  first: string;
  other: string;
}

export class SkuInterner implements SkuView {
  readonly names: string[] = [];
  readonly categories: string[] = [];
  readonly prices: number[] = [];
  readonly seeds: number[] = [];
  readonly partValues: (string[] | undefined)[] = [];
  readonly mixed = new Set<number>();
  mixedExample: MixedCategory | null = null;
  private readonly byName = new Map<string, number>();

  /** The index of sku `name`; a category seen later fills an empty one (see noteCategory). */
  intern(name: string, category: string, price: number, seed: number): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.categories.push(category);
      this.prices.push(price);
      this.seeds.push(seed);
      this.byName.set(name, id);
    } else {
      this.noteCategory(id, category);
    }
    return id;
  }

  /** A row of sku `id` under `category`: fills an empty one, or marks the sku mixed when it differs. */
  noteCategory(id: number, category: string): void {
    const first = this.categories[id] as string;
    if (category === '' || category === first || this.mixed.has(id)) return;
    if (first === '') {
      this.categories[id] = category;
      return;
    }
    this.mixed.add(id);
    this.mixedExample ??= { sku: this.names[id] as string, first, other: category };
  }

  /** Records the column values of a sku made of several columns. */
  setParts(id: number, values: string[]): void {
    this.partValues[id] = values;
  }
}
