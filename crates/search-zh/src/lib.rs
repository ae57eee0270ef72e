//! mdBook renderer that gives the book a search index that knows Chinese.
//!
//! mdBook's own index drops every CJK character (its tokenizer splits on whitespace and its
//! trimmer keeps `[0-9a-z_]`). This renderer runs after the html renderer, reads the pages it
//! wrote, and writes `search-zh/index.js` next to them: the index ([`index`]) plus the engine
//! (`assets/search-zh.js`) that takes elasticlunr's place in mdBook's search UI.

pub mod extract;
pub mod index;
pub mod render;
pub mod tokenize;
