// Compile the GOV.UK/MOJ stylesheet and copy the scripts and assets the pages use into static/build.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

execFileSync(
  "node_modules/.bin/sass",
  ["--pkg-importer=node", "--load-path=.", "--style=compressed", "--no-source-map", "--quiet-deps",
   "static/src/qaportal.scss", `${out}/qaportal.css`],
  { stdio: "inherit" },
);

const govuk = "node_modules/govuk-frontend/dist/govuk";
const moj = "node_modules/@ministryofjustice/frontend/moj";
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${govuk}/assets/images/favicon.ico`, `${out}/favicon.ico`);
cpSync(`${moj}/moj-frontend.min.js`, `${out}/moj-frontend.min.js`);
cpSync(`${moj}/assets`, `${out}/moj/assets`, { recursive: true });
// The accessible autocomplete (alphagov) for long lists of people; its own stylesheet beside ours.
const autocomplete = "node_modules/accessible-autocomplete/dist";
cpSync(`${autocomplete}/accessible-autocomplete.min.js`, `${out}/accessible-autocomplete.min.js`);
cpSync(`${autocomplete}/accessible-autocomplete.min.css`, `${out}/accessible-autocomplete.min.css`);
console.log("frontend built into static/build");
