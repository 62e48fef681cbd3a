// Build-time stand-in for zod's locale index: messages here are English only, so the other ~50 locales stay out.
import en from "zod/v4/locales/en.js";

export { en };
