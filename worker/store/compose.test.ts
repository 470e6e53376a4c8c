import { describe, expect, it } from "vitest";
import { serveFeatures } from "./compose";
import { FEATURES } from "./features";
import type { Person } from "./person";
import { UserStore } from "./user-store";

const tables = { name: "test", migrations: [] };

describe("serveFeatures", () => {
  it("serves each feature's methods from the class, calling the feature built for the object", () => {
    class Greeter {
      static readonly tables = tables;
      constructor(readonly person: Person) {}
      greet(name: string) {
        return `Hello, ${name}. ${this.#secret()}`;
      }
      #secret() {
        return "Nice to see you.";
      }
    }
    class Host {
      features = [new Greeter({} as Person)];
    }
    serveFeatures(Host, [Greeter]);
    const host = new Host() as Host & { greet(name: string): string };
    expect(host.greet("Ada")).toBe("Hello, Ada. Nice to see you.");
    // Private (#) methods and fields are not served.
    expect(Object.getOwnPropertyNames(Host.prototype).sort()).toEqual(["constructor", "greet"]);
  });

  it("refuses two features serving one name, at load", () => {
    class A {
      static readonly tables = tables;
      constructor(readonly person: Person) {}
      list() {}
    }
    class B {
      static readonly tables = { ...tables, name: "b" };
      constructor(readonly person: Person) {}
      list() {}
    }
    expect(() => serveFeatures(class {}, [A, B])).toThrow('B and A both serve "list".');
  });

  it("the person's store serves every registered feature's methods, and nothing else", () => {
    const served = Object.getOwnPropertyNames(UserStore.prototype).filter((n) => n !== "constructor" && n !== "alarm");
    const declared = FEATURES.flatMap((f) =>
      Object.getOwnPropertyNames(f.prototype).filter(
        (n) => n !== "constructor" && typeof Object.getOwnPropertyDescriptor(f.prototype, n)?.value === "function",
      ),
    );
    expect(served.sort()).toEqual(declared.sort());
    expect(served).toContain("startChatTurn");
    expect(served).toContain("listConnectors");
  });
});
