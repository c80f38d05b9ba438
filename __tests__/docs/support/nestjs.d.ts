// NestJS is not installed in this repository. The NestJS block of docs/guide/decorators.md is
// type-checked against these declarations of the few Nest names it uses, written from Nest's
// own signatures (@nestjs/common 11, @nestjs/axios 4), so that what the block does with
// maestro-retry is checked; Nest's side of it is only as right as these lines.
declare module '@nestjs/common' {
  export function Injectable(): ClassDecorator;
  export function Controller(prefix?: string): ClassDecorator;
  export function Get(path?: string): MethodDecorator;
  export class Logger {
    constructor(context?: string);
    log(message: unknown): void;
    warn(message: unknown): void;
    error(message: unknown): void;
  }
}

declare module '@nestjs/axios' {
  export class HttpService {
    post<T = any>(url: string, data?: unknown): import('rxjs').Observable<{ data: T; status: number }>;
  }
}
