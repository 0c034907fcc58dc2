//! Browser tests: what a person sees in headless Chromium, driven through chromedriver by
//! fantoccini, against the app served in-process on SQLite. One module per chapter; screenshots of
//! every step land in `target/screenshots/`. Needs Debian's chromium, chromium-driver and
//! fonts-noto-cjk (`.ci/run` installs them).

mod harness;

mod customers;
mod first_run;
mod orders;
mod prints;
mod products;
mod system_users;
