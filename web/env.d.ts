// Stylesheets imported from TypeScript are emitted by Bun's bundler as a hashed .css file.
declare module "*.css";
