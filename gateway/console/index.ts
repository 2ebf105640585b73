// The web console's public face: its HTTP server, the users who may sign in, their passwords.
export { startConsoleServer, type ConsoleServer, type ConsoleServerOptions } from './console-server.ts';
export { loadUsers, withOneTimePasswords, USERS_FILE, type SignInUser, type User } from './users.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
