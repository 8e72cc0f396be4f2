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
}

export class SkuInterner implements SkuView {
  readonly names: string[] = [];
  readonly categories: string[] = [];
  readonly prices: number[] = [];
  readonly seeds: number[] = [];
  readonly partValues: (string[] | undefined)[] = [];
  private readonly byName = new Map<string, number>();

  /** The index of sku `name`; a category seen later fills an empty one. */
  intern(name: string, category: string, price: number, seed: number): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.categories.push(category);
      this.prices.push(price);
      this.seeds.push(seed);
      this.byName.set(name, id);
    } else if (this.categories[id] === '' && category !== '') {
      this.categories[id] = category;
    }
    return id;
  }

  /** Records the column values of a sku made of several columns. */
  setParts(id: number, values: string[]): void {
    this.partValues[id] = values;
  }
}
