// Apache Jena's SHACL engine on many data files with one shapes file, in one JVM: for each
// data file given after the shapes, one line "file<TAB>conforms<TAB>results". Built by
// tests/test_jena.py against Debian's Jena.
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;

public class ShaclCounts {
    public static void main(String[] args) {
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        for (int i = 1; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            System.out.println(args[i] + "\t" + report.conforms() + "\t" + report.getEntries().size());
        }
    }
}
