// Text imports (`with { type: "text" }`) of migration SQL.
declare module "*.sql" {
  const text: string;
  export default text;
}
