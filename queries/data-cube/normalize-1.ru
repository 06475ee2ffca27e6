# The RDF Data Cube normalization algorithm, phase 1 (type and property closure): the types
# and qb:componentProperty links an abbreviated cube leaves out, as the Recommendation's
# section 10 states them. The integrity constraints read a normalized cube.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX qb:  <http://purl.org/linked-data/cube#>

INSERT { ?o rdf:type qb:Observation . }
WHERE { [] qb:observation ?o . } ;

INSERT { ?o rdf:type qb:Observation . ?ds rdf:type qb:DataSet . }
WHERE { ?o qb:dataSet ?ds . } ;

INSERT { ?s rdf:type qb:Slice . }
WHERE { [] qb:slice ?s . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty . }
WHERE { ?cs qb:dimension ?p . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty . }
WHERE { ?cs qb:measure ?p . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty . }
WHERE { ?cs qb:attribute ?p . }
