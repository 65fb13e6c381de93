//! The WeChat menus' editor (公众号菜单).

pub const MENUS_TITLE: &str = "公众号菜单";
pub const MENUS_INTRO: &str = "编辑公众号底部菜单，右侧实时预览。默认菜单所有人可见；也可为已绑定的学生、老师或某个同步为标签的班级/分组设置专属菜单（需先发布默认菜单）。";
pub const NEW_MENU: &str = "新建菜单";
pub const MENU_NAME: &str = "菜单名称";
pub const MENU_TARGET: &str = "适用对象";
pub const TARGET_DEFAULT: &str = "所有关注者（默认菜单）";
pub const TARGET_STUDENTS: &str = "已绑定的学生";
pub const TARGET_TEACHERS: &str = "已绑定的老师";
pub const TARGET_TAG: &str = "某个班级或分组（标签）";
pub const CHOOSE_TAG: &str = "选择标签";
pub const NO_MENUS: &str = "还没有菜单，点击「新建菜单」开始。";
pub const PUBLISHED: &str = "已发布";
pub const UNPUBLISHED: &str = "未发布";
pub const PUBLISH: &str = "发布到微信";
pub const UNPUBLISH: &str = "取消发布";
pub const MENU_SAVED: &str = "菜单已保存。";
pub const MENU_PUBLISHED: &str = "菜单已发布，关注者稍后即可看到。";
pub const MENU_UNPUBLISHED: &str = "菜单已取消发布。";
pub const MENU_DELETED: &str = "菜单已删除。";
pub const BUTTON_NAME: &str = "按钮名称";
pub const BUTTON_TYPE: &str = "动作";
pub const PARENT_BUTTON: &str = "展开子菜单";
pub const BUTTON_KEY: &str = "KEY（点击后推送给服务器）";
pub const BUTTON_URL: &str = "网页地址";
pub const BUTTON_APPID: &str = "小程序 AppID";
pub const BUTTON_PAGEPATH: &str = "小程序页面路径";
pub const BUTTON_MEDIA_ID: &str = "素材 media_id";
pub const BUTTON_ARTICLE_ID: &str = "图文 article_id";
pub const USE_FEATURE: &str = "使用班级功能";
pub const ADD_BUTTON: &str = "＋";
pub const DELETE_BUTTON: &str = "删除此按钮";
pub const PICK_BUTTON: &str = "点击预览中的按钮进行编辑，点击「＋」添加按钮。";
pub const MENU_PROBLEMS: &str = "菜单还有问题，修改后才能保存：";
pub const NAME_LIMIT_TOP: &str = "一级按钮名称不超过 16 字节（约 5 个汉字）";
pub const NAME_LIMIT_SUB: &str = "二级按钮名称不超过 60 字节（约 20 个汉字）";
pub const PREVIEW: &str = "预览";

pub fn button_type(kind: &str) -> &'static str {
    match kind {
        "click" => "点击推事件",
        "view" => "跳转网页",
        "miniprogram" => "打开小程序",
        "scancode_push" => "扫码推事件",
        "scancode_waitmsg" => "扫码带提示",
        "pic_sysphoto" => "拍照发图",
        "pic_photo_or_album" => "拍照或相册发图",
        "pic_weixin" => "微信相册发图",
        "location_select" => "发送位置",
        "media_id" => "发送素材",
        "article_id" => "发布后的图文",
        "article_view_limited" => "图文（限制访问）",
        _ => "",
    }
}

pub fn menu_problem(code: &str) -> &'static str {
    match code {
        "no_buttons" => "至少需要 1 个按钮",
        "too_many_buttons" => "一级按钮最多 3 个",
        "too_many_sub_buttons" => "子菜单最多 5 个按钮",
        "name_required" => "请填写按钮名称",
        "name_too_long" => "按钮名称太长",
        "type_required" => "请选择按钮动作",
        "unknown_type" => "不支持的按钮动作",
        "key_required" => "请填写 KEY",
        "key_too_long" => "KEY 不超过 128 字节",
        "url_required" => "请填写网页地址",
        "url_too_long" => "网页地址不超过 1024 字节",
        "url_invalid" => "网页地址需以 http:// 或 https:// 开头",
        "media_id_required" => "请填写 media_id",
        "article_id_required" => "请填写 article_id",
        "appid_required" => "请填写小程序 AppID",
        "pagepath_required" => "请填写小程序页面路径",
        _ => "不符合微信的规则",
    }
}

pub fn button_label(top: usize, sub: Option<usize>) -> String {
    match sub {
        None => format!("第 {} 个一级按钮", top + 1),
        Some(s) => format!("第 {} 个一级按钮的第 {} 个子按钮", top + 1, s + 1),
    }
}
