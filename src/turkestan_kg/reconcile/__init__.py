"""Step 4 of the flow, reconciliation: match names (in any spelling or script) to the graph's
entities, and the W3C Entity Reconciliation Community Group's Reconciliation Service API
over that matcher."""
