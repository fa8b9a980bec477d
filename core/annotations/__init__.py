"""Notes and comments on a meeting's material: a member's private notes on an item or on a
page of an attachment, and the comments (with replies) the body's members and its
secretariat read (docs/annotations.md)."""
