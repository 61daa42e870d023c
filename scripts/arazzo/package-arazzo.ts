import YAML from 'yaml';

/**
 * An Arazzo document with the `url` of every OpenAPI source description replaced by `newUrl`,
 * everything else (comments, order, formatting) kept. In the repository the workflows point at
 * `../../generated/openapi.json`; the published package puts them in `dist/arazzo/` beside
 * `dist/openapi.json`, so the build rewrites the url to `../openapi.json`.
 */
export function rewriteSourceUrls(text: string, newUrl: string): string {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) throw new Error(`not valid YAML: ${document.errors[0].message}`);
  const sources = document.get('sourceDescriptions');
  let rewritten = 0;
  if (YAML.isSeq(sources)) {
    for (const source of sources.items) {
      if (YAML.isMap(source) && source.get('type') === 'openapi') {
        source.set('url', newUrl);
        rewritten += 1;
      }
    }
  }
  if (rewritten === 0) throw new Error('no OpenAPI source description to point at the packaged spec');
  return document.toString({ lineWidth: 0 });
}
