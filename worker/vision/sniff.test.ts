import { describe, expect, it } from "vitest";
import { VISION_LIMITS } from "../../contract/vision-api";
import { gif } from "../test/vision-images";
import { sniffImage } from "./sniff";

describe("sniffImage: GIF frames", () => {
  it("reads the screen size when every frame fits inside it", () => {
    const file = gif({ width: 300, height: 200 }, [
      { width: 300, height: 200 },
      { left: 10, top: 20, width: 50, height: 60, localColours: 1 },
    ]);
    expect(sniffImage(file)).toEqual({ mediaType: "image/gif", width: 300, height: 200 });
  });

  it("sees a frame far larger than a 1×1 screen, after other frames and extensions", () => {
    const file = gif({ width: 1, height: 1 }, [
      { width: 1, height: 1 },
      { width: 60_000, height: 2, localColours: 7 },
    ]);
    expect(sniffImage(file)).toEqual({ mediaType: "image/gif", width: 60_000, height: 2 });
  });

  it("counts a frame's offset: a small frame placed far out still needs a large canvas", () => {
    const file = gif({ width: 10, height: 10 }, [{ left: 5000, top: 3, width: 10, height: 10 }]);
    expect(sniffImage(file)).toMatchObject({ width: 5010, height: 13 });
  });

  it("reads a file cut short as far as it goes, as decoders do", () => {
    const file = gif(
      { width: 10, height: 10 },
      [
        { width: 10, height: 10 },
        { width: VISION_LIMITS.maxSide + 1, height: 1 },
      ],
      { truncate: true },
    );
    expect(sniffImage(file)).toMatchObject({ width: VISION_LIMITS.maxSide + 1 });
    expect(sniffImage(file.slice(0, 20))).toMatchObject({ width: 10, height: 10 });
  });

  it("calls a block structure that makes no sense damaged (size 0)", () => {
    const file = gif({ width: 10, height: 10 }, [{ width: 10, height: 10 }], { truncate: true });
    const broken = Uint8Array.from([...file, 0x99, 1, 2, 3]);
    expect(sniffImage(broken)).toEqual({ mediaType: "image/gif", width: 0, height: 0 });
  });
});
