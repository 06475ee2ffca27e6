// The SPARQL editor: YASGUI sending queries to this server's /sparql.
window.yasgui = new Yasgui(document.getElementById('yasgui'), {requestConfig: {endpoint: '/sparql', method: 'POST'}, copyEndpointOnNewTab: false, endpointCatalogueOptions: {getData: () => [{endpoint: '/sparql'}]}});
