// Every topic of the scheme with its labels.
MATCH (c:Topic)
RETURN c.notation AS notation, c.prefLabel AS label, c.altLabel AS alsoCalled
ORDER BY notation;
