import type { Config } from "tailwindcss";

// Tailwind v4 is configured from CSS; this file is only used when a stylesheet
// loads it with `@config "../tailwind.config.ts";`.
const config: Config = {
  content: ["./app/**/*.{ts,tsx,mdx}", "./components/**/*.{ts,tsx,mdx}"],
  darkMode: "media",
};

export default config;
