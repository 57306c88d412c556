// Placeholder replaced by the foundation work (bot/ is owned by the main session).
export const handler = async (_event: unknown): Promise<void> => {};
