// Header → role detection (the data contract, ../shared/design/CONTRACT.md
// §1.1–1.2). Names match case- and accent-insensitively, ignoring spaces and
// punctuation, against a list of synonyms per role in seven languages.
import { SEED_HEADERS } from '../seed';
import type { ColumnMapping, Role } from '../types';
import { isYearMonthDigits, readDate, readMonth, readYearWeek } from './dates';
import { monthOfCell } from './month-names';
import { statsforecastValueAt } from './statsforecast';

/** Every role, in the order a reader looks for them (the mapping line lists them so). */
export const ROLES: readonly Role[] = [
  'date',
  'sku',
  'category',
  'amount',
  'quantity',
  'price',
  'gender',
  'age',
  'promo',
  'discount',
];

/** A store's number as exports abbreviate it (Favorita's store_nbr, Store No., Store #). */
const STORE_NUMBERS = [
  'storenbr',
  'storenumber',
  'storeno',
  'storenum',
  'storecode',
  'shopid',
  'branchid',
];

/** Store in the other six languages (de, fr, es, it, nl, pt). */
const STORES_ABROAD = [
  'filiale',
  'filialnummer',
  'magasin',
  'tienda',
  'sucursal',
  'negozio',
  'puntovendita',
  'winkel',
  'filiaal',
  'loja',
];

/**
 * The lists as normalizeHeader leaves their names: written plainly, a
 * Korean or Japanese name differs from its normal form (NFD splits 수량 into
 * its letters, ド into ト and a mark).
 */
function normalizedLists(lists: Record<Role, readonly string[]>): Record<Role, readonly string[]> {
  const out = {} as Record<Role, readonly string[]>;
  for (const role of Object.keys(lists) as Role[]) out[role] = lists[role].map(normalizeHeader);
  return out;
}

// Per role, synonyms in priority order: English first (the reference schema),
// then German, French, Spanish, Italian, Dutch and Portuguese sales exports,
// written as normalizeHeader leaves them (`Qté` → `qte`, `Stück` → `stuck`).
const SYNONYMS: Record<Role, readonly string[]> = normalizedLists({
  date: [
    'date',
    'transactiondate',
    'orderdate',
    'invoicedate',
    'salesdate',
    'saledate',
    'day',
    'week',
    'weekstart',
    'weekdate',
    'weekending',
    'ds',
    'datetime',
    'timestamp',
    'period',
    'postingdate',
    'documentdate',
    'createdat',
    'orderedat',
    'ordercreatedat',
    'shipdate',
    'deliverydate',
    'billingdate',
    'purchasedate',
    'calendarday',
    'transactioncreationdate',
    // de
    'datum',
    'belegdatum',
    'buchungsdatum',
    'rechnungsdatum',
    'verkaufsdatum',
    'bestelldatum',
    'lieferdatum',
    'auftragsdatum',
    // fr
    'datedevente',
    'datevente',
    'datefacture',
    'datedefacture',
    'datecommande',
    'datedecommande',
    'datepiece',
    'dateoperation',
    // es
    'fecha',
    'fechaventa',
    'fechadeventa',
    'fechafactura',
    'fechadefactura',
    'fechapedido',
    'fechadepedido',
    'fechadocumento',
    'fechaemision',
    // it
    'data',
    'datavendita',
    'datadivendita',
    'datafattura',
    'datadocumento',
    'dataordine',
    'datadellordine',
    'dataregistrazione',
    // nl
    'verkoopdatum',
    'factuurdatum',
    'orderdatum',
    'boekdatum',
    'boekingsdatum',
    'transactiedatum',
    // pt
    'datavenda',
    'datadevenda',
    'datadavenda',
    'datafatura',
    'datadafatura',
    'datapedido',
    'datadopedido',
    'dataemissao',
    'datadeemissao',
    // sv, da, no, pl, tr, fi, cs, hu, ro
    'eladasdatuma',
    'datavanzarii',
    'dato',
    'salgsdato',
    'fakturadato',
    'forsaljningsdatum',
    'fakturadatum',
    'datasprzedazy',
    'datawystawienia',
    'tarih',
    'satıstarihi',
    'paivamaara',
    'myyntipaiva',
    'datumprodeje',
    // day, week and period words last
    'tag',
    'woche',
    'jour',
    'semaine',
    'dia',
    'semana',
    'giorno',
    'settimana',
    'dag',
    'periode',
    'periodo',
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'дата',
    'датапродажи',
    'датадокумента',
    'периодпродаж',
    'неделя',
    'тиждень',
    '日付',
    '売上日',
    '年月日',
    '日時',
    '週',
    '期間',
    '日期',
    '销售日期',
    '时间',
    '周',
    '날짜',
    '일자',
    '판매일',
    '주차',
  ],
  sku: [
    'sku',
    'skuid',
    'productid',
    'stockcode',
    'store',
    'storeid',
    'item',
    'itemid',
    'itemcode',
    'productcode',
    'product',
    'article',
    'uniqueid',
    'itemnumber',
    // nbr/num: Favorita's item_nbr, ERP and BI abbreviations
    'itemnbr',
    'itemnum',
    'productnbr',
    'productno',
    'skunumber',
    'skuno',
    'skucode',
    'itemno',
    'articlenumber',
    'productnumber',
    'lineitemsku',
    'variantsku',
    'itemsku',
    'sellersku',
    'merchantsku',
    'materialnumber',
    'partnumber',
    'partno',
    'stylenumber',
    'style',
    'stylecode',
    'styleno',
    'ean',
    'gtin',
    'upc',
    'barcode',
    'asin',
    'childasin',
    'parentasin',
    'productsku',
    'productservice',
    'menuitem',
    'customlabel',
    'productvariantsku',
    // a name identifies the article as well as a number (ERP exports often carry only the name)
    'productname',
    'itemname',
    'articlename',
    'lineitemname',
    'producttitle',
    'itemtitle',
    // de, nl
    'artikel',
    'artikelnummer',
    'artikelnr',
    'artnr',
    'artikelcode',
    'materialnummer',
    'material',
    'produkt',
    'produktnummer',
    'produktid',
    'productnummer',
    'artikelbezeichnung',
    'artikelname',
    'produktname',
    'produktbezeichnung',
    'bezeichnung',
    // fr
    'refarticle',
    'codearticle',
    'numeroarticle',
    'reference',
    'ref',
    'produit',
    'codeproduit',
    'idproduit',
    // es, pt
    'articulo',
    'codigoarticulo',
    'artigo',
    'codigoartigo',
    'producto',
    'codigoproducto',
    'idproducto',
    'produto',
    'codigoproduto',
    'idproduto',
    'referencia',
    'codigo',
    // it
    'articolo',
    'codicearticolo',
    'prodotto',
    'codiceprodotto',
    'idprodotto',
    'riferimento',
    'codice',
    // sv, da, no, pl, tr, fi, cs, hu, ro
    'cikkszam',
    'termekkod',
    'termek',
    'codprodus',
    'produs',
    'denumire',
    'varenummer',
    'varenr',
    'vare',
    'varenavn',
    'artikelnamn',
    'produktnamn',
    'indeks',
    'kodproduktu',
    'nazwatowaru',
    'towar',
    'urunkodu',
    'urun',
    'stokkodu',
    'tuote',
    'tuotekoodi',
    'tuotenumero',
    'kodzbozi',
    'zbozi',
    // pt, es with an article
    'codigodoproduto',
    'codigodelproducto',
    'codigodeproducto',
    // descriptions after every code and name: an ERP line carries both
    'description',
    'itemdescription',
    'productdescription',
    'materialdescription',
    // stores last: an article column, when there is one, is the better key
    ...STORES_ABROAD,
    ...STORE_NUMBERS,
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'артикул',
    'кодтовара',
    'номенклатура',
    'товар',
    'код',
    '商品コード',
    '品番',
    '商品',
    '商品名',
    '商品编码',
    '产品编码',
    '货号',
    '产品',
    '商品名称',
    '상품코드',
    '품번',
    '상품',
    '품목',
    '상품명',
  ],
  category: [
    'productcategory',
    'category',
    'productline',
    'department',
    'dept',
    'family',
    'productgroup',
    'itemgroup',
    'producttype',
    // de
    'warengruppe',
    'kategorie',
    'produktgruppe',
    'artikelgruppe',
    'produktkategorie',
    'sortiment',
    'abteilung',
    'sparte',
    // fr
    'categorie',
    'categoriedeproduit',
    'famille',
    'famillearticle',
    'familledeproduits',
    'groupedeproduits',
    'rayon',
    'gamme',
    // es, it, pt
    'categoria',
    'categoriadeproducto',
    'categoriadeproduto',
    'categoriaprodotto',
    'familia',
    'famiglia',
    'grupodeproductos',
    'grupodeprodutos',
    'gruppomerceologico',
    'grupo',
    'gruppo',
    'departamento',
    'reparto',
    'seccion',
    'secao',
    'linea',
    'linha',
    // nl
    'productgroep',
    'artikelgroep',
    'productcategorie',
    'groep',
    'afdeling',
    'assortiment',
    // brands last: a planner's units export often groups by brand
    'brand',
    'marke',
    'marque',
    'marca',
    'merk',
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'категория',
    'группатоваров',
    'группа',
    'категорія',
    'カテゴリ',
    'カテゴリー',
    '分類',
    '部門',
    '类别',
    '品类',
    '类目',
    '分类',
    '카테고리',
    '분류',
  ],
  amount: [
    'totalamount',
    'sales',
    'weeklysales',
    'revenue',
    'amount',
    'total',
    'salesamount',
    'netsales',
    'turnover',
    'netvalue',
    'netamount',
    'grossamount',
    'grosssales',
    'salesvalue',
    'netrevenue',
    'grossrevenue',
    'salesrevenue',
    'linetotal',
    'lineamount',
    'extendedprice',
    'extendedamount',
    'itemtotal',
    'rowtotal',
    'orderedproductsales',
    'totalprice',
    'producttotalprice',
    'itemrevenue',
    'nrevenue',
    'itemsubtotal',
    // de
    'umsatz',
    'nettoumsatz',
    'bruttoumsatz',
    'umsatznetto',
    'umsatzbrutto',
    'betrag',
    'gesamtbetrag',
    'nettobetrag',
    'bruttobetrag',
    'erlos',
    'erlose',
    'summe',
    // fr
    'montant',
    'montanttotal',
    'montantht',
    'montantttc',
    'chiffredaffaires',
    'ca',
    'ventes',
    'totalht',
    'totalttc',
    // es
    'importe',
    'importetotal',
    'importeneto',
    'ventas',
    'monto',
    'montototal',
    'ingresos',
    'facturacion',
    // it
    'importo',
    'importototale',
    'fatturato',
    'vendite',
    'totale',
    'ricavi',
    // nl
    'omzet',
    'nettoomzet',
    'bedrag',
    'totaalbedrag',
    'verkopen',
    'totaal',
    'opbrengst',
    // pt
    'valortotal',
    'vendas',
    'receita',
    'faturamento',
    'faturacao',
    'montante',
    'valor',
    // sv, da, no, pl, tr, fi, cs, hu, ro
    'osszeg',
    'nettoertek',
    'ertek',
    'forgalom',
    'valoare',
    'belopp',
    'forsaljning',
    'beløb',
    'omsætning',
    'beløp',
    'omsetning',
    'wartosc',
    'wartoscnetto',
    'kwota',
    'sprzedaz',
    'tutar',
    'ciro',
    'myynti',
    'castka',
    'trzby',
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'сумма',
    'выручка',
    'стоимость',
    'продажи',
    'сума',
    'виручка',
    '売上金額',
    '売上高',
    '売上',
    '金額',
    '销售额',
    '销售金额',
    '营业额',
    '金额',
    '매출액',
    '매출',
    '판매금액',
    '금액',
  ],
  quantity: [
    'quantity',
    'qty',
    'units',
    'unitssold',
    'unitsales',
    'itemssold',
    'transactionqty',
    'transactionquantity',
    'lineqty',
    'linequantity',
    'bottlessold',
    'casessold',
    'productqty',
    'productquantity',
    'netitemssold',
    'itemspurchased',
    'billingquantity',
    'quantitysold',
    'lineitemquantity',
    'orderedquantity',
    'orderquantity',
    'quantityordered',
    'qtyordered',
    'qtysold',
    'soldqty',
    'salesqty',
    'salesquantity',
    'salesunits',
    'netquantity',
    'netqty',
    'netunits',
    'billedquantity',
    'invoicedquantity',
    'shippedquantity',
    'quantityshipped',
    'qtyshipped',
    'unitsshipped',
    'unitsordered',
    'deliveredquantity',
    'pieces',
    'pcs',
    'sold',
    'unitsold',
    // de
    'menge',
    'anzahl',
    'stuck',
    'stueck',
    'stuckzahl',
    'verkaufsmenge',
    'absatz',
    'auftragsmenge',
    'bestellmenge',
    'liefermenge',
    'fakturiertemenge',
    'absatzmenge',
    'verkaufteeinheiten',
    'verkauft',
    // fr
    'quantite',
    'quantitevendue',
    'qte',
    'nombre',
    'unites',
    'quantitecommandee',
    'qtecommandee',
    'quantitefacturee',
    'quantitelivree',
    // es
    'cantidad',
    'cantidadvendida',
    'cant',
    'unidades',
    'uds',
    'cantidadpedida',
    'cantidadfacturada',
    // it
    'quantita',
    'quantitavenduta',
    'qta',
    'pezzi',
    // nl
    'aantal',
    'hoeveelheid',
    'stuks',
    'aantalverkocht',
    // pt
    'quantidade',
    'quantidadevendida',
    'qtd',
    'qtde',
    // sv, da, no, pl, tr, fi, cs, hu, ro
    'mennyiseg',
    'cantitate',
    'antal',
    'antalsalda',
    'antall',
    'ilosc',
    'iloscsprzedana',
    'miktar',
    'adet',
    'maara',
    'kpl',
    'mnozstvi',
    // demand planning tools' key figures: units by their nature
    'demand',
    'actualdemand',
    'demandqty',
    'demandquantity',
    'demandunits',
    'shipments',
    'shipmentqty',
    'shippedqty',
    'shippedunits',
    'shipqty',
    'volume',
    'salesvolume',
    'actuals',
    'actual',
    'actualqty',
    'actualquantity',
    'actualunits',
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'количество',
    'колво',
    'кол',
    'штук',
    'продано',
    'кількість',
    '数量',
    '販売数',
    '売上数',
    '個数',
    '销量',
    '销售数量',
    '件数',
    '수량',
    '판매수량',
    '판매량',
  ],
  price: [
    'priceperunit',
    'unitprice',
    'price',
    'priceeach',
    'lineitemprice',
    'itemprice',
    'sellingprice',
    'salesprice',
    'netprice',
    // de
    'einzelpreis',
    'stuckpreis',
    'stueckpreis',
    'verkaufspreis',
    'vkpreis',
    'preis',
    'nettopreis',
    // fr
    'prixunitaire',
    'prixunitaireht',
    'prixunit',
    'prixdevente',
    'pu',
    'prix',
    // es
    'preciounitario',
    'preciounidad',
    'preciodeventa',
    'pvp',
    'precio',
    // it
    'prezzounitario',
    'prezzodivendita',
    'prezzo',
    // nl
    'eenheidsprijs',
    'stukprijs',
    'verkoopprijs',
    'prijsperstuk',
    'prijs',
    // pt
    'precounitario',
    'valorunitario',
    'precodevenda',
    'preco',
    // ru, uk, ja, zh, ko (kept as normalizeHeader leaves them: see SYNONYMS)
    'цена',
    'ценазаединицу',
    'ціна',
    '単価',
    '価格',
    '单价',
    '价格',
    '단가',
    '가격',
  ],
  gender: ['gender', 'sex', 'geschlecht', 'sexe', 'sexo', 'sesso', 'geslacht', 'genero'],
  age: ['age', 'customerage', 'alter', 'edad', 'eta', 'leeftijd', 'idade'],
  // A flag (or count) per row: on promotion or not; kept for the models that follow.
  promo: [
    'promo',
    'promotion',
    'onpromotion',
    'onpromo',
    'ispromo',
    'promoflag',
    'promotionflag',
    'aktion',
    'werbeaktion',
    'angebot',
    'promotionfr',
    'enpromotion',
    'promocion',
    'oferta',
    'promozione',
    'offerta',
    'actie',
    'aanbieding',
    'promocao',
  ],
  discount: [
    'discount',
    'discountpct',
    'discountpercent',
    'discountrate',
    'markdown',
    'rabatt',
    'nachlass',
    'remise',
    'reduction',
    'descuento',
    'sconto',
    'korting',
    'desconto',
  ],
});

/** Currency and unit words a header may end in (`Umsatz EUR`, `Menge Stk`). */
const UNIT_SUFFIX = /(eur|euro|euros|usd|gbp|chf|stk)$/;

/**
 * A header as synonyms are written: lower case, accents dropped (`Qté` →
 * `qte`, `ß` → `ss`), a trailing unit in brackets dropped (`Umsatz (EUR)`),
 * and everything but letters and digits removed (spaces, `_`, `-`, `.`, `€`).
 */
export function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/\s*[([][^)\]]*[)\]]\s*$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Spreadsheet letter of a 0-based column (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let s = '';
  let n = index + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Index of a header by exact name, else by normalized name; -1 if absent. */
export function findHeader(headers: readonly string[], name: string): number {
  const exact = headers.indexOf(name);
  if (exact !== -1) return exact;
  const wanted = normalizeHeader(name);
  return headers.findIndex((h) => normalizeHeader(h) === wanted);
}

/** The columns of each name, in order. */
function columnsByName(names: readonly string[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  names.forEach((name, j) => {
    const cols = byName.get(name);
    if (cols) cols.push(j);
    else byName.set(name, [j]);
  });
  return byName;
}

/**
 * Guesses a role for each header. The first header (left to right) that names a
 * role wins it; each header takes at most one role. Headers that take no role
 * are returned as `unmatched` so a UI can offer them. With a few data rows
 * (`sample`), a date column no name gave away is found by its values; a store
 * and an item column together make the sku (`Store+Item`), since a planner's
 * series is an item in a store.
 */
export function detectColumns(
  headers: string[],
  sample: readonly (readonly string[])[] = [],
): { mapping: ColumnMapping; unmatched: string[] } {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  const normalized = headers.map(normalizeHeader);
  const bare = normalized.map((h) => h.replace(UNIT_SUFFIX, ''));
  // By name, so a header of a million columns costs one pass, not one per synonym.
  const named = columnsByName(normalized);
  const bareNamed = columnsByName(bare);
  const free = (cols: number[] | undefined): number => cols?.find((j) => !used.has(j)) ?? -1;
  const find = (synonym: string): number => {
    const i = free(named.get(synonym));
    return i !== -1 ? i : free(bareNamed.get(synonym));
  };
  for (const role of ROLES) {
    // Synonym order is priority order (`Total Amount` before `Total`).
    for (const synonym of SYNONYMS[role]) {
      const i = find(synonym);
      if (i !== -1) {
        mapping[role] = (headers[i] ?? '').trim();
        used.add(i);
        break;
      }
    }
  }
  if (mapping.amount === undefined && mapping.quantity === undefined) {
    const y = statsforecastValueAt(normalized);
    const i = y !== -1 && !used.has(y) ? y : quantityByWords(headers, used);
    if (i !== -1) {
      mapping.quantity = (headers[i] ?? '').trim();
      used.add(i);
    }
  }
  const filled = filledItemColumn(mapping.sku, headers, normalized, sample, find);
  if (filled !== -1) {
    used.delete(headers.findIndex((h) => h.trim() === mapping.sku));
    used.add(filled);
    mapping.sku = (headers[filled] ?? '').trim();
  }
  const parts = storeAndItem(mapping.sku, headers, normalized, find);
  if (parts !== null) {
    mapping.sku = parts.map((i) => (headers[i] ?? '').trim()).join('+');
    for (const i of parts) used.add(i);
  }
  const yearWeek = yearAndPeriod(headers, normalized, sample, mapping.date);
  if (yearWeek !== null) {
    if (mapping.date !== undefined)
      used.delete(headers.findIndex((h) => h.trim() === mapping.date));
    mapping.date = yearWeek.map((i) => (headers[i] ?? '').trim()).join('+');
    for (const i of yearWeek) used.add(i);
  }
  if (yearWeek === null) {
    const i = yearWeekColumn(headers, sample, mapping.date, used);
    if (i !== -1) {
      if (mapping.date !== undefined)
        used.delete(headers.findIndex((h) => h.trim() === mapping.date));
      mapping.date = (headers[i] ?? '').trim();
      used.add(i);
    }
  }
  if (mapping.date === undefined) {
    const i = dateColumnByValues(headers, sample, used);
    if (i !== -1) {
      mapping.date = (headers[i] ?? '').trim();
      used.add(i);
    }
  }
  const unmatched = headers.filter((_, i) => !used.has(i)).map((h) => h.trim());
  return { mapping, unmatched };
}

// A header's words that make it a quantity of sales (`Shipped Qty`,
// `QtyInvoiced`, `Net Units`), and words that make it some other quantity
// (stock, a plan, a pack size, a return).
const QUANTITY_WORDS = new Set([
  'qty',
  'quantity',
  'units',
  'pcs',
  'pieces',
  'demand',
  'shipments',
  'volume',
  'menge',
  'cantidad',
  'quantite',
  'quantita',
  'quantidade',
  'aantal',
  'antal',
  'ilosc',
]);
const OTHER_QUANTITY_WORDS = new Set([
  'stock',
  'inventory',
  'onhand',
  'hand',
  'available',
  'avail',
  'forecast',
  'forecasted',
  'fcst',
  'plan',
  'planned',
  'target',
  'budget',
  'return',
  'returned',
  'returns',
  'open',
  'backorder',
  'backordered',
  'safety',
  'reorder',
  'min',
  'max',
  'minimum',
  'maximum',
  'capacity',
  'lead',
  'price',
  'cost',
  'pack',
  'case',
  'per',
  'moq',
  'lot',
  'size',
  'bestand',
  'lager',
  'prognose',
]);

/** A header's words: `Shipped Qty (EA)`, `QtyShipped`, `shipped_qty` → shipped, qty. */
function headerWords(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}]+/u)
    .filter((w) => w !== '');
}

/**
 * When no header is a known name for an amount or a quantity: the one free
 * column whose name holds a quantity's word and no other kind of quantity's
 * (`Shipped Qty`, not `Qty on Hand` or `Case Qty`); -1 when none does, or
 * several do (a wide sheet's `QTY_<item>` columns are its items, not a role).
 */
function quantityByWords(headers: readonly string[], used: ReadonlySet<number>): number {
  let found = -1;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] ?? '';
    // Every quantity word has 3 letters or more: a wide sheet's empty headers cost nothing.
    if (used.has(i) || header.length < 3) continue;
    const words = headerWords(header);
    if (!words.some((w) => QUANTITY_WORDS.has(w)) || words.some((w) => OTHER_QUANTITY_WORDS.has(w)))
      continue;
    if (found !== -1) return -1;
    found = i;
  }
  return found;
}

/**
 * Another article column, filled on every sample row, when the sku column found
 * is empty on some (a shop's export leaves the SKU of an item without one
 * empty, while its name is always there); else -1. Rows without a sku are
 * lost, so the column that names every sale is the better key.
 */
function filledItemColumn(
  sku: string | undefined,
  headers: readonly string[],
  normalized: readonly string[],
  sample: readonly (readonly string[])[],
  find: (synonym: string) => number,
): number {
  if (sku === undefined || sample.length === 0) return -1;
  const at = headers.findIndex((h) => h.trim() === sku);
  const rows = sample.filter((r) => r.some((c) => c.trim() !== ''));
  const filledAt = (col: number): boolean => rows.every((r) => (r[col] ?? '').trim() !== '');
  if (STORE_WORDS.has(normalized[at] ?? '') || filledAt(at)) return -1;
  for (const synonym of SYNONYMS.sku) {
    if (STORE_WORDS.has(synonym)) continue;
    const other = find(synonym);
    if (other !== -1 && other !== at && filledAt(other)) return other;
  }
  return -1;
}

const YEAR_WORDS = new Set([
  'year',
  'yr',
  'isoyear',
  'calendaryear',
  'fiscalyear',
  'jahr',
  'kalenderjahr',
  'geschaftsjahr',
  'annee',
  'ano',
  'anno',
  'jaar',
]);
const WEEK_WORDS = new Set([
  'week',
  'wk',
  'weeknumber',
  'weekno',
  'weeknr',
  'isoweek',
  'calendarweek',
  'fiscalweek',
  'kw',
  'woche',
  'kalenderwoche',
  'wochennummer',
  'semaine',
  'numerodesemaine',
  'semana',
  'settimana',
  'weeknummer',
]);

const MONTH_WORDS = new Set([
  'month',
  'mth',
  'monthnumber',
  'fiscalmonth',
  'calendarmonth',
  'monat',
  'mois',
  'mes',
  'mese',
  'maand',
]);

/** Names of one column holding a year and a month (`Period`, `YearMonth`: 202405). */
const YEAR_MONTH_WORDS = new Set([
  'period',
  'periode',
  'periodo',
  'yearmonth',
  'monthyear',
  'calendaryearmonth',
  'calmonth',
  'jahrmonat',
  'anneemois',
  'anomes',
  'annomese',
  'yyyymm',
]);

/**
 * A column named for months or periods whose every filled cell is a year and
 * a month in six digits (`202405`): each cell its month. By its name and
 * every cell, since `202405` alone could be a week (`202452` is one) or a
 * number. Fiscal periods are not calendar months, and are not read so.
 */
export function isYearMonthColumn(header: string, cells: readonly string[]): boolean {
  return periodColumn(header, cells, [MONTH_WORDS, YEAR_MONTH_WORDS], isYearMonthDigits, 1);
}

/** Whether `header` is one of `names` and at least `share` of its filled `cells` are what `isCell` reads. */
function periodColumn(
  header: string,
  cells: readonly string[],
  names: readonly ReadonlySet<string>[],
  isCell: (cell: string) => boolean,
  share: number,
): boolean {
  const h = normalizeHeader(header);
  if (!names.some((n) => n.has(h))) return false;
  const filled = cells.map((c) => c.trim()).filter((c) => c !== '');
  return filled.length > 0 && filled.filter(isCell).length >= share * filled.length;
}

/** Whether a column named `header` holds week numbers or months (beside a year column), by its name. */
export function periodOfName(header: string): 'week' | 'month' | null {
  const h = normalizeHeader(header);
  return WEEK_WORDS.has(h) ? 'week' : MONTH_WORDS.has(h) ? 'month' : null;
}

const WEEK_CELL = /^(0?[1-9]|[1-4]\d|5[0-3])$/;

/** Names of one column holding a year and a week (`YearWeek`: 202405). */
const YEAR_WEEK_WORDS = new Set([
  'yearweek',
  'weekyear',
  'isoyearweek',
  'calendaryearweek',
  'yearwk',
  'yrwk',
  'jahrwoche',
  'jahrkw',
  'kwjahr',
  'anneesemaine',
  'anosemana',
  'annosettimana',
]);

/**
 * A column named for weeks whose cells are a year and a week number
 * (`2024-05`, `202405`, `05/2024`: most of the sample): each cell its ISO
 * week. By its name only, since `2024-05` alone reads as May.
 */
export function isYearWeekColumn(header: string, cells: readonly string[]): boolean {
  const isWeek = (c: string): boolean => readYearWeek(c) === readYearWeek(c);
  return periodColumn(header, cells, [WEEK_WORDS, YEAR_WEEK_WORDS], isWeek, 0.8);
}

/**
 * The date column found when it isYearWeekColumn; with none found, the first
 * free column that is; -1 when none. A date column beside a week column
 * stays the date (its days say more).
 */
function yearWeekColumn(
  headers: readonly string[],
  sample: readonly (readonly string[])[],
  date: string | undefined,
  used: ReadonlySet<number>,
): number {
  if (sample.length === 0) return -1;
  const at = date === undefined ? -1 : headers.findIndex((h) => h.trim() === date);
  const order = date !== undefined ? [at] : headers.map((_, i) => i).filter((i) => !used.has(i));
  return (
    order.find(
      (i) =>
        i !== -1 &&
        isYearWeekColumn(
          headers[i] ?? '',
          sample.map((r) => r[i] ?? ''),
        ),
    ) ?? -1
  );
}

/** Names of a day-of-month column beside a year and a month (a BI export's date hierarchy). */
const DAY_WORDS = new Set(['day', 'dayofmonth', 'tag', 'jour', 'dia', 'giorno', 'dag']);
const DAY_CELL = /^(0?[1-9]|[12]\d|3[01])$/;

/**
 * A year column and a week-number or month column that together date each
 * row (`Jahr;KW;Artikel;Menge`, a BI export's `Year, Month`), when no other
 * column is a date: their indices, year first; else null. Most sample cells
 * must be years, and week numbers or months (a number or a name). Beside a
 * year and a month, a day-of-month column (Power BI's `Year, Quarter, Month,
 * Day`) makes the three a date.
 */
function yearAndPeriod(
  headers: readonly string[],
  normalized: readonly string[],
  sample: readonly (readonly string[])[],
  date: string | undefined,
): number[] | null {
  const year = normalized.findIndex((h) => YEAR_WORDS.has(h));
  const week = normalized.findIndex((h) => WEEK_WORDS.has(h));
  const period = week !== -1 ? week : normalized.findIndex((h) => MONTH_WORDS.has(h));
  // Only from values: a header alone does not say the week column holds numbers, not dates.
  if (year === -1 || period === -1 || sample.length === 0) return null;
  const fits = (col: number, cell: (c: string) => boolean): boolean => {
    const cells = sample.map((r) => (r[col] ?? '').trim()).filter((c) => c !== '');
    return cells.length > 0 && cells.filter(cell).length >= 0.8 * cells.length;
  };
  const day =
    period === week
      ? -1
      : normalized.findIndex((h, i) => DAY_WORDS.has(h) && fits(i, (c) => DAY_CELL.test(c)));
  // A real date column found by name stays the date (a week column named Week is no date).
  const dateAt = date === undefined ? -1 : headers.findIndex((h) => h.trim() === date);
  if (date !== undefined && dateAt !== period && dateAt !== day) return null;
  const isPeriod =
    period === week
      ? (c: string) => WEEK_CELL.test(c)
      : (c: string) => monthOfCell(c) !== undefined;
  if (!fits(year, (c) => /^(19|20)\d\d$/.test(c)) || !fits(period, isPeriod)) return null;
  return day === -1 ? [year, period] : [year, period, day];
}

/** Sku synonyms that name a store, not an article: with an item column, the pair is the series. */
const STORE_WORDS = new Set([
  'store',
  'storeid',
  ...STORE_NUMBERS,
  'shop',
  'branch',
  'outlet',
  'location',
  'markt',
  ...STORES_ABROAD,
]);

/**
 * The columns of a store × item sku, store first (as `--map sku=store+item`
 * writes it), when the sku found names one of the two and another column
 * names the other; else null.
 */
function storeAndItem(
  sku: string | undefined,
  headers: readonly string[],
  normalized: readonly string[],
  find: (synonym: string) => number,
): [number, number] | null {
  if (sku === undefined) return null;
  const at = headers.findIndex((h) => h.trim() === sku);
  const isStore = STORE_WORDS.has(normalized[at] ?? '');
  for (const synonym of isStore ? SYNONYMS.sku : STORE_WORDS) {
    if (isStore && STORE_WORDS.has(synonym)) continue;
    const other = find(synonym);
    if (other !== -1 && other !== at) return isStore ? [at, other] : [other, at];
  }
  return null;
}

/**
 * The first column not taken whose sample cells read as calendar dates (most
 * of those not empty, at least 4 in 5), or -1. Plain numbers do not count: a quantity of 45 is
 * also a spreadsheet day number.
 */
function dateColumnByValues(
  headers: readonly string[],
  sample: readonly (readonly string[])[],
  used: ReadonlySet<number>,
): number {
  return headers.findIndex((header, col) => {
    // A header that is a date itself is a row of data, or a period across (not a date column).
    if (used.has(col) || readDate(header.trim()).kind !== 'bad') return false;
    const cells = sample.map((r) => (r[col] ?? '').trim()).filter((c) => c !== '');
    // A month (`2024-01`, `Jan 2024`) dates a monthly row too (spread over its days: unpivot.ts).
    const dates = cells.filter((c) => {
      const kind = readDate(c).kind;
      return (kind !== 'bad' && kind !== 'serial') || readMonth(c) === readMonth(c);
    }).length;
    return cells.length > 0 && dates >= 0.8 * cells.length;
  });
}

/** The reference schema (the seed's export, CONTRACT.md §1.1): every one of its columns is there. */
export function isReferenceSchema(headers: readonly string[]): boolean {
  const names = new Set(headers.map(normalizeHeader));
  return SEED_HEADERS.every((h) => names.has(normalizeHeader(h)));
}
