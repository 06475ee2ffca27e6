# The RDF Data Cube normalization algorithm, phase 2 (push down attachment levels): values
# attached to a data set or a slice are copied onto each of its observations.
PREFIX qb: <http://purl.org/linked-data/cube#>

# values attached to the data set
INSERT { ?obs ?comp ?value }
WHERE {
  ?spec qb:componentProperty ?comp ;
        qb:componentAttachment qb:DataSet .
  ?dataset qb:structure [ qb:component ?spec ] ;
           ?comp ?value .
  ?obs qb:dataSet ?dataset .
} ;

# values attached to a slice
INSERT { ?obs ?comp ?value }
WHERE {
  ?spec qb:componentProperty ?comp ;
        qb:componentAttachment qb:Slice .
  ?dataset qb:structure [ qb:component ?spec ] ;
           qb:slice ?slice .
  ?slice ?comp ?value ;
         qb:observation ?obs .
} ;

# dimension values given on a slice
INSERT { ?obs ?comp ?value }
WHERE {
  ?spec qb:componentProperty ?comp .
  ?comp a qb:DimensionProperty .
  ?dataset qb:structure [ qb:component ?spec ] ;
           qb:slice ?slice .
  ?slice ?comp ?value ;
         qb:observation ?obs .
}
