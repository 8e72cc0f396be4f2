// Headers of sales exports in seven languages: each column gets its role
// (accent- and case-insensitive), and the weekly table equals the one from the
// same data with English headers.
import { describe, expect, it } from 'vitest';
import { detectColumns, ingestText } from '../../src/core/ingest';

const ENGLISH = 'Date;SKU;Category;Revenue;Quantity;Unit Price';
const ROWS = [
  '02.01.2023;A-100;Drinks;12,50;5;2,50',
  '03.01.2023;B-200;Snacks;3,00;2;1,50',
  '10.01.2023;A-100;Drinks;5,00;2;2,50',
  '17.01.2023;B-200;Snacks;4,50;3;1,50',
];
const ROLES = ['date', 'sku', 'category', 'amount', 'quantity', 'price'] as const;

/** Real-looking export headers, in role order (date, sku, category, amount, quantity, price). */
const EXPORTS: [string, string][] = [
  ['German ERP', 'Belegdatum;Artikel;Warengruppe;Umsatz;Menge;Einzelpreis'],
  ['German shop', 'Datum;Artikelnummer;Produktgruppe;Umsatz (EUR);Stück;Stückpreis'],
  ['French', 'Date de vente;Référence;Catégorie;Montant TTC;Qté;Prix unitaire'],
  ['French ERP', 'Date pièce;Code article;Famille;Chiffre d’affaires;Quantité;P.U.'],
  ['Spanish', 'Fecha;Artículo;Categoría;Importe;Cantidad;Precio unitario'],
  ['Spanish POS', 'Fecha de venta;Código producto;Familia;Ventas €;Unidades;PVP'],
  ['Italian', 'Data;Articolo;Categoria;Importo;Quantità;Prezzo unitario'],
  ['Italian ERP', 'Data documento;Codice articolo;Gruppo merceologico;Fatturato;Q.tà;Prezzo'],
  ['Dutch', 'Datum;Artikelnummer;Productgroep;Omzet;Aantal;Stukprijs'],
  ['Dutch shop', 'Verkoopdatum;Artikel;Categorie;Bedrag;Hoeveelheid;Prijs'],
  ['Portuguese', 'Data;Produto;Categoria;Valor total;Quantidade;Preço unitário'],
  ['Brazilian', 'Data da venda;Código produto;Grupo;Faturamento;Qtd;Valor unitário'],
  ['English upper case', 'ORDER DATE;ITEM NO.;PRODUCT GROUP;SALES AMOUNT;QTY;PRICE EACH'],
];

describe('headers in other languages', () => {
  it.each(EXPORTS)('%s: every column gets its role', (_name, header) => {
    const headers = header.split(';');
    const expected = Object.fromEntries(ROLES.map((r, i) => [r, headers[i]]));
    expect(detectColumns(headers).mapping).toEqual(expected);
  });

  it.each(EXPORTS)('%s: the weekly table is the one with English headers', (_name, header) => {
    const english = ingestText([ENGLISH, ...ROWS].join('\n'));
    const local = ingestText([header, ...ROWS].join('\n'));
    expect(local.series).toEqual(english.series);
    expect(local.report.rowsUsed).toBe(4);
  });

  it('the request of a German ERP export: Belegdatum;Artikel;Warengruppe;Umsatz;Menge', () => {
    const t = ingestText(
      'Belegdatum;Artikel;Warengruppe;Umsatz;Menge\n16.01.2023;4711;Obst;12,5;5\n23.01.2023;4711;Obst;10;4\n',
    );
    expect(t.report.mapping).toEqual({
      date: 'Belegdatum',
      sku: 'Artikel',
      category: 'Warengruppe',
      amount: 'Umsatz',
      quantity: 'Menge',
    });
    expect(t.series.map((s) => [s.sku, s.category])).toEqual([['4711', 'Obst']]);
    expect(t.series[0]?.rows.map((r) => r.total_amount)).toEqual([12.5, 10]);
  });

  it('accents, case and punctuation do not matter; an explicit mapping matches the same way', () => {
    expect(detectColumns(['DATUM', 'UMSATZ', 'MENGE']).mapping).toEqual({
      date: 'DATUM',
      amount: 'UMSATZ',
      quantity: 'MENGE',
    });
    expect(detectColumns(['fecha', 'cantidad', 'precio unitario']).mapping).toEqual({
      date: 'fecha',
      quantity: 'cantidad',
      price: 'precio unitario',
    });
    const t = ingestText('Fecha;Importe;Neto\n2023-01-02;5;4\n', { mapping: { amount: 'NETO' } });
    expect(t.report.mapping).toEqual({ date: 'Fecha', amount: 'Neto' });
  });
});
