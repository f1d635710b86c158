export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`jwt-forensics ${argv.length}\n`);
  return 0;
}
