//! Sign-in and the signed-in user's own settings: 注销登录, 修改密码 (5.2.1), language, account-set
//! switch, 在线人数 (6.3) and API tokens. The mechanisms live in `kernel::auth`; this feature is
//! their pages and API.

pub mod api;
pub mod pages;
