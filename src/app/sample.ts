// The "try the sample" file: the seed's public 2023 retail data, served from
// the app's own origin (public/sample/), so the button works offline.

export const SAMPLE_NAME = 'retail_sales_2023.csv';

export async function loadSample(): Promise<{ blob: Blob; name: string }> {
  const url = new URL(`${import.meta.env.BASE_URL}sample/${SAMPLE_NAME}`, document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the sample file (${response.status})`);
  return { blob: await response.blob(), name: SAMPLE_NAME };
}
