// The SPARQL editor: YASGUI sending queries to this server's /sparql, opening with the
// project's prefixes, and the stored queries as examples (data in #tkg-editor).
const data = JSON.parse(document.getElementById('tkg-editor').textContent);
window.yasgui = new Yasgui(document.getElementById('yasgui'), {requestConfig: {endpoint: '/sparql', method: 'POST'}, copyEndpointOnNewTab: false, endpointCatalogueOptions: {getData: () => [{endpoint: '/sparql'}]}, yasqe: {value: data.start}});
document.getElementById('examples').addEventListener('change', (event) => {
  const chosen = data.examples.find((example) => example.name === event.target.value);
  if (chosen) window.yasgui.getTab().setQuery(chosen.text);
});
