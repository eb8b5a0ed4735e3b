import DOMPurify from "dompurify";
import React from "react";

export function Bio({ profile }: { profile: { bioHtml: string } }) {
  return <div className="bio" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(profile.bioHtml) }} />;
}
