"""Photos, whatever they belong to: what a photo really is and a clean copy of it (`images`), the
gate that bounds the decoding (`gate`), where the bytes live (`storage`), the one path that stores
a photo once (`store`, asking its owner what differs) and every reason a photo is refused, with
its words and HTTP status (`refusals`). Inspections and problems are owners; neither is imported
here."""
