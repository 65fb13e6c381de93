//! Protocol conformance without a server: every message and event type parsed from XML
//! shaped like the platform's, written back identically, and every reply type's exact XML.

use banji::wechat::crypto::MessageCrypto;
use banji::wechat::incoming::{Body, Event, Incoming, Place, ScanCode, SubscribeItem};
use banji::wechat::reply::{encrypted_envelope, Article, Reply};
use banji::wechat::signature::msg_signature;
use banji::wechat::xml;

fn wrap(msg_type: &str, fields: &str) -> String {
    format!(
        "<xml>\n  <ToUserName><![CDATA[gh_school]]></ToUserName>\n  <FromUserName><![CDATA[oStudent1]]></FromUserName>\n  \
         <CreateTime>1700000000</CreateTime>\n  <MsgType><![CDATA[{msg_type}]]></MsgType>\n  {fields}\n</xml>"
    )
}

fn event(name: &str, fields: &str) -> Incoming {
    Incoming::parse(&wrap("event", &format!("<Event><![CDATA[{name}]]></Event>{fields}"))).unwrap()
}

fn body(msg_type: &str, fields: &str) -> Body {
    let incoming = Incoming::parse(&wrap(msg_type, fields)).unwrap();
    assert_eq!(
        (incoming.to.as_str(), incoming.openid.as_str(), incoming.create_time),
        ("gh_school", "oStudent1", 1700000000)
    );
    incoming.body
}

#[test]
fn every_message_type_parses_from_platform_xml() {
    assert_eq!(
        body("text", "<Content><![CDATA[签到 123456]]></Content><MsgId>23950426574565290</MsgId>"),
        Body::Text { msg_id: 23950426574565290, content: "签到 123456".into() }
    );
    assert_eq!(
        body("image", "<PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>2</MsgId>"),
        Body::Image { msg_id: 2, pic_url: "http://p/1.jpg".into(), media_id: "m1".into() }
    );
    assert_eq!(
        body("voice", "<MediaId><![CDATA[v]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[你好]]></Recognition><MsgId>3</MsgId>"),
        Body::Voice { msg_id: 3, media_id: "v".into(), format: "amr".into(), recognition: Some("你好".into()) }
    );
    assert_eq!(
        body("video", "<MediaId><![CDATA[v]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>4</MsgId>"),
        Body::Video { msg_id: 4, media_id: "v".into(), thumb_media_id: "t".into() }
    );
    assert_eq!(
        body(
            "shortvideo",
            "<MediaId><![CDATA[v]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>5</MsgId>"
        ),
        Body::ShortVideo { msg_id: 5, media_id: "v".into(), thumb_media_id: "t".into() }
    );
    assert_eq!(
        body("location", "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[教学楼]]></Label><MsgId>6</MsgId>"),
        Body::Location { msg_id: 6, latitude: 23.134521, longitude: 113.358803, scale: 20, label: "教学楼".into() }
    );
    assert_eq!(
        body("link", "<Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[http://u]]></Url><MsgId>7</MsgId>"),
        Body::Link { msg_id: 7, title: "t".into(), description: "d".into(), url: "http://u".into() }
    );
    assert_eq!(body("miniprogrampage", "<MsgId>8</MsgId>"), Body::Unknown { msg_type: "miniprogrampage".into() });
}

#[test]
fn follow_scan_location_and_menu_events_parse() {
    assert_eq!(event("subscribe", "").event(), Some(&Event::Subscribe { scene: None, ticket: None }));
    let from_qr = event("subscribe", "<EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>");
    assert_eq!(from_qr.event(), Some(&Event::Subscribe { scene: Some("123".into()), ticket: Some("TICKET".into()) }));
    assert_eq!(event("unsubscribe", "<EventKey><![CDATA[]]></EventKey>").event(), Some(&Event::Unsubscribe));
    let scan = event("SCAN", "<EventKey><![CDATA[checkin:42]]></EventKey><Ticket><![CDATA[T]]></Ticket>");
    assert_eq!(scan.event(), Some(&Event::Scan { scene: "checkin:42".into(), ticket: Some("T".into()) }));
    let location = event(
        "LOCATION",
        "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>",
    );
    assert_eq!(
        location.event(),
        Some(&Event::Location { latitude: 23.137466, longitude: 113.352425, precision: 119.38504 })
    );
    assert_eq!(
        event("CLICK", "<EventKey><![CDATA[MY_NOTICES]]></EventKey>").event(),
        Some(&Event::Click { key: "MY_NOTICES".into() })
    );
    let view = event("VIEW", "<EventKey><![CDATA[http://school/notices]]></EventKey><MenuId>208379533</MenuId>");
    assert_eq!(
        view.event(),
        Some(&Event::View { url: "http://school/notices".into(), menu_id: Some("208379533".into()) })
    );
    let scan_info = "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>";
    let code = ScanCode { scan_type: "qrcode".into(), result: "1".into() };
    assert_eq!(
        event("scancode_push", scan_info).event(),
        Some(&Event::ScancodePush { key: "6".into(), scan: code.clone() })
    );
    assert_eq!(
        event("scancode_waitmsg", scan_info).event(),
        Some(&Event::ScancodeWaitmsg { key: "6".into(), scan: code })
    );
    let pics = "<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo>";
    let sums = vec!["1b5f7c23b5bf75682a53e7b6d163e185".to_string()];
    assert_eq!(event("pic_sysphoto", pics).event(), Some(&Event::PicSysphoto { key: "6".into(), pics: sums.clone() }));
    assert_eq!(
        event("pic_photo_or_album", pics).event(),
        Some(&Event::PicPhotoOrAlbum { key: "6".into(), pics: sums.clone() })
    );
    assert_eq!(event("pic_weixin", pics).event(), Some(&Event::PicWeixin { key: "6".into(), pics: sums }));
    let place = "<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>";
    let expected = Place {
        latitude: 23.0,
        longitude: 113.0,
        scale: 15,
        label: "广州市海珠区客村艺苑路 106号".into(),
        poiname: None,
    };
    assert_eq!(
        event("location_select", place).event(),
        Some(&Event::LocationSelect { key: "6".into(), place: expected })
    );
    let mini = event("view_miniprogram", "<EventKey><![CDATA[pages/index]]></EventKey><MenuId>1</MenuId>");
    assert_eq!(
        mini.event(),
        Some(&Event::ViewMiniprogram { page_path: "pages/index".into(), menu_id: Some("1".into()) })
    );
}

#[test]
fn job_subscribe_message_and_customer_service_events_parse() {
    let template =
        event("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>");
    assert_eq!(
        template.event(),
        Some(&Event::TemplateSendJobFinish { msg_id: 200163836, status: "failed:user block".into() })
    );
    let mass = event(
        "MASSSENDJOBFINISH",
        "<MsgID>1000001625</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>0</TotalCount><FilterCount>0</FilterCount><SentCount>0</SentCount><ErrorCount>0</ErrorCount><CopyrightCheckResult><Count>0</Count><ResultList/><CheckState>1</CheckState></CopyrightCheckResult>",
    );
    assert_eq!(
        mass.event(),
        Some(&Event::MassSendJobFinish {
            msg_id: 1000001625,
            status: "err(30003)".into(),
            total: 0,
            filtered: 0,
            sent: 0,
            errors: 0
        })
    );
    let publish = event("PUBLISHJOBFINISH", "<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status><article_id><![CDATA[b5O2OUs]]></article_id></PublishEventInfo>");
    assert_eq!(
        publish.event(),
        Some(&Event::PublishJobFinish {
            publish_id: "2247503051".into(),
            status: 0,
            article_id: Some("b5O2OUs".into())
        })
    );
    let popup = event("subscribe_msg_popup_event", "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>");
    let Some(Event::SubscribeMsgPopup { items }) = popup.event() else { panic!("popup") };
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1],
        SubscribeItem {
            template_id: "T2".into(),
            status: "reject".into(),
            popup_scene: Some(2),
            msg_id: None,
            error_code: None
        }
    );
    let change = event("subscribe_msg_change_event", "<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>");
    assert!(matches!(change.event(), Some(Event::SubscribeMsgChange { items }) if items[0].status == "reject"));
    let sent = event("subscribe_msg_sent_event", "<SubscribeMsgSentEvent><List><TemplateId><![CDATA[T1]]></TemplateId><MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>");
    assert!(
        matches!(sent.event(), Some(Event::SubscribeMsgSent { items }) if items[0].msg_id.as_deref() == Some("1700827132819554304") && items[0].error_code == Some(0))
    );
    assert_eq!(
        event("kf_create_session", "<KfAccount><![CDATA[test1@test]]></KfAccount>").event(),
        Some(&Event::KfCreateSession { kf_account: "test1@test".into() })
    );
    assert_eq!(
        event("kf_close_session", "<KfAccount><![CDATA[test1@test]]></KfAccount>").event(),
        Some(&Event::KfCloseSession { kf_account: "test1@test".into() })
    );
    let switch = event(
        "kf_switch_session",
        "<FromKfAccount><![CDATA[a@t]]></FromKfAccount><ToKfAccount><![CDATA[b@t]]></ToKfAccount>",
    );
    assert_eq!(switch.event(), Some(&Event::KfSwitchSession { from_kf: "a@t".into(), to_kf: "b@t".into() }));
    let unknown = event("guide_qrcode_scan_event", "<EventKey><![CDATA[x]]></EventKey>");
    assert_eq!(
        unknown.event(),
        Some(&Event::Unknown { event: "guide_qrcode_scan_event".into(), key: Some("x".into()) })
    );
}

#[test]
fn every_type_round_trips_through_the_xml_it_writes() {
    let samples = [
        wrap("text", "<Content><![CDATA[a]]>b]]></Content><MsgId>1</MsgId>").replace("a]]>b", "a]]]]><![CDATA[>b"),
        wrap("voice", "<MediaId><![CDATA[v]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>3</MsgId>"),
        wrap("location", "<Location_X>23.1</Location_X><Location_Y>113.2</Location_Y><Scale>20</Scale><Label><![CDATA[x]]></Label><MsgId>6</MsgId>"),
        wrap("event", "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_9]]></EventKey><Ticket><![CDATA[T]]></Ticket>"),
        wrap("event", "<Event><![CDATA[pic_weixin]]></Event><EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[a]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[b]]></PicMd5Sum></item></PicList></SendPicsInfo>"),
        wrap("event", "<Event><![CDATA[location_select]]></Event><EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23.5]]></Location_X><Location_Y><![CDATA[113.25]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[l]]></Label><Poiname><![CDATA[p]]></Poiname></SendLocationInfo>"),
        wrap("event", "<Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>10</MsgID><Status><![CDATA[send success]]></Status><TotalCount>3</TotalCount><FilterCount>1</FilterCount><SentCount>2</SentCount><ErrorCount>0</ErrorCount>"),
        wrap("event", "<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List><TemplateId><![CDATA[T]]></TemplateId><MsgID>5</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>"),
        wrap("event", "<Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>1</publish_id><publish_status>0</publish_status></PublishEventInfo>"),
        wrap("event", "<Event><![CDATA[kf_switch_session]]></Event><FromKfAccount><![CDATA[a]]></FromKfAccount><ToKfAccount><![CDATA[b]]></ToKfAccount>"),
    ];
    for sample in samples {
        let parsed = Incoming::parse(&sample).unwrap();
        let again = Incoming::parse(&parsed.to_xml()).unwrap();
        assert_eq!(again, parsed, "{sample}");
    }
}

#[test]
fn retries_are_recognised_by_msg_id_or_by_sender_time_event_and_key() {
    let text = Incoming::parse(&wrap("text", "<Content><![CDATA[x]]></Content><MsgId>77</MsgId>")).unwrap();
    assert_eq!(text.dedup_key(), "msg:77");
    let click = event("CLICK", "<EventKey><![CDATA[K]]></EventKey>");
    assert_eq!(click.dedup_key(), "evt:oStudent1:1700000000:CLICK:K");
    let unsub = event("unsubscribe", "");
    assert_eq!(unsub.dedup_key(), "evt:oStudent1:1700000000:unsubscribe:");
    // Two job results in the same second from the same sender are different events.
    let first = event("MASSSENDJOBFINISH", "<MsgID>1</MsgID><Status><![CDATA[send success]]></Status>");
    let second = event("MASSSENDJOBFINISH", "<MsgID>2</MsgID><Status><![CDATA[send success]]></Status>");
    assert_ne!(first.dedup_key(), second.dedup_key());
    assert_eq!(first.dedup_key(), "job:mass:1");
    let template = event("TEMPLATESENDJOBFINISH", "<MsgID>9</MsgID><Status><![CDATA[success]]></Status>");
    assert_eq!(template.dedup_key(), "job:template:9");
}

const HEAD: &str = "<xml><ToUserName><![CDATA[oStudent1]]></ToUserName><FromUserName><![CDATA[gh_school]]></FromUserName><CreateTime>1700000001</CreateTime>";

#[test]
fn every_reply_type_has_the_exact_platform_xml() {
    let xml = |reply: Reply| reply.to_xml("oStudent1", "gh_school", 1700000001);
    assert_eq!(
        xml(Reply::text("你好 ]]> 世界")),
        format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 ]]]]><![CDATA[> 世界]]></Content></xml>"
        )
    );
    assert_eq!(
        xml(Reply::Image { media_id: "M".into() }),
        format!("{HEAD}<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[M]]></MediaId></Image></xml>")
    );
    assert_eq!(
        xml(Reply::Voice { media_id: "M".into() }),
        format!("{HEAD}<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[M]]></MediaId></Voice></xml>")
    );
    assert_eq!(
        xml(Reply::Video { media_id: "M".into(), title: "T".into(), description: "D".into() }),
        format!("{HEAD}<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[M]]></MediaId><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description></Video></xml>")
    );
    let music = Reply::Music {
        title: "T".into(),
        description: "D".into(),
        music_url: "U".into(),
        hq_music_url: "H".into(),
        thumb_media_id: "M".into(),
    };
    assert_eq!(
        xml(music),
        format!("{HEAD}<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><MusicUrl><![CDATA[U]]></MusicUrl><HQMusicUrl><![CDATA[H]]></HQMusicUrl><ThumbMediaId><![CDATA[M]]></ThumbMediaId></Music></xml>")
    );
    let article = Article { title: "通知".into(), description: "D".into(), pic_url: "P".into(), url: "U".into() };
    assert_eq!(
        xml(Reply::News { articles: vec![article] }),
        format!("{HEAD}<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[通知]]></Title><Description><![CDATA[D]]></Description><PicUrl><![CDATA[P]]></PicUrl><Url><![CDATA[U]]></Url></item></Articles></xml>")
    );
    assert_eq!(
        xml(Reply::TransferCustomerService { kf_account: None }),
        format!("{HEAD}<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>")
    );
    assert_eq!(
        xml(Reply::TransferCustomerService { kf_account: Some("kf1@school".into()) }),
        format!("{HEAD}<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[kf1@school]]></KfAccount></TransInfo></xml>")
    );
    assert!(!xml(Reply::text("x")).starts_with("<?xml"));
}

#[test]
fn a_news_reply_carries_at_most_eight_articles_and_parses_back() {
    let article = Article { title: "t".into(), description: "d".into(), pic_url: "p".into(), url: "u".into() };
    let text = Reply::News { articles: vec![article.clone(); 10] }.to_xml("o", "gh", 1);
    assert!(text.contains("<ArticleCount>8</ArticleCount>"));
    let (parsed, _) = Reply::parse(&text).unwrap();
    assert_eq!(parsed, Reply::News { articles: vec![article; 8] });
}

#[test]
fn an_encrypted_reply_decrypts_to_the_plain_reply_and_its_signature_verifies() {
    let crypto = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap();
    let plain = Reply::text("收到").to_xml("oStudent1", "gh_school", 1700000001);
    let first = encrypted_envelope(&crypto, "pamtest", &plain, 1700000001);
    let second = encrypted_envelope(&crypto, "pamtest", &plain, 1700000001);
    let root = xml::parse(&first).unwrap();
    let encrypt = root.text_of("Encrypt").unwrap();
    let nonce = root.text_of("Nonce").unwrap();
    assert_eq!(root.text_of("TimeStamp"), Some("1700000001"));
    assert_eq!(root.text_of("MsgSignature").unwrap(), msg_signature("pamtest", "1700000001", nonce, encrypt));
    assert_eq!(crypto.decrypt(encrypt).unwrap(), plain);
    assert_ne!(xml::parse(&second).unwrap().text_of("Nonce"), Some(nonce), "every reply gets a fresh nonce");
    assert!(first.starts_with("<xml><Encrypt><![CDATA[") && first.ends_with("]]></Nonce></xml>"));
}
