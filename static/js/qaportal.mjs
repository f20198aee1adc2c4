// Progressive enhancement only: every page works without this file.
import { initAll as initGovuk } from "/static/build/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/build/moj-frontend.min.js";

initGovuk();
initMoj();
