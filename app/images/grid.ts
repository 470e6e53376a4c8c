/**
 * The studio's image grid: as many columns of at least 10rem as the width allows (five or six at
 * 1280 px), so results and the gallery use the page instead of one narrow column.
 */
export const imageGrid = "grid grid-cols-[repeat(auto-fill,minmax(10rem,1fr))] gap-3";
