"""Meeting documents: the agenda, the minutes and the board book as PDF per reader, and
attachments read in the browser (docs/documents.md)."""
