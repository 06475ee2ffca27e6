// The OWL API's OWL 2 DL profile check, run on RDF files given as arguments (their axioms
// merged, imports not followed): one line per violation, then "violations: N". Built by
// tests/test_owl.py against the OWL API that owlready2 ships with Pellet.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology merged = manager.createOntology(IRI.create("urn:x-turkestan-kg:checked"));
        for (String path : args) {
            OWLOntology one = manager.loadOntologyFromOntologyDocument(new File(path));
            manager.addAxioms(merged, one.getAxioms());
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(merged);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation);
        }
        System.out.println("violations: " + report.getViolations().size());
    }
}
