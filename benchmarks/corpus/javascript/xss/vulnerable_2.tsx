import React from "react";

export function Bio({ profile }: { profile: { bioHtml: string } }) {
  return <div className="bio" dangerouslySetInnerHTML={{ __html: profile.bioHtml }} />;  // VULN
}
