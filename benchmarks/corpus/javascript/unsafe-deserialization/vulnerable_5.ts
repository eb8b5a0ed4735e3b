import yaml from "js-yaml";

export function parseRecipe(text: string) {
  return yaml.unsafeLoad(text);  // VULN
}
