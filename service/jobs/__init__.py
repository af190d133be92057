"""Jobs for long work: ``POST /jobs`` answers 202 at once; status, progress stream, webhook."""
