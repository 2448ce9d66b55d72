import type { Lang } from './people.js';

/**
 * What e-commerce customers write about, per language. `{order}`, `{product}`, `{amount}`,
 * `{tracking}`, `{days}`, `{name}` and `{agent}` are filled in per conversation.
 */
export interface Topic {
  key: string;
  label: string;
  team: string;
  subjects: Partial<Record<Lang, string[]>>;
  opening: Partial<Record<Lang, string[]>>;
  agent: Partial<Record<Lang, string[]>>;
  customer: Partial<Record<Lang, string[]>>;
}

export const PRODUCTS: Record<Lang, string[]> = {
  en: ['wireless earbuds', 'running shoes', 'coffee grinder', 'phone case', 'winter jacket', 'smart watch', 'yoga mat', 'desk lamp', 'backpack', 'air fryer'],
  zh: ['蓝牙耳机', '跑步鞋', '咖啡研磨机', '手机壳', '羽绒服', '智能手表', '瑜伽垫', '台灯', '双肩包', '空气炸锅'],
  ja: ['ワイヤレスイヤホン', 'ランニングシューズ', 'コーヒーミル', 'スマホケース', 'ダウンジャケット'],
  ko: ['무선 이어폰', '운동화', '커피 그라인더', '휴대폰 케이스', '패딩 점퍼'],
};

const T = (en: string[], zh: string[], ja: string[] = [], ko: string[] = []): Partial<Record<Lang, string[]>> => ({
  en,
  zh,
  ...(ja.length ? { ja } : {}),
  ...(ko.length ? { ko } : {}),
});

export const TOPICS: Topic[] = [
  {
    key: 'order-status',
    label: 'order',
    team: 'Orders',
    subjects: T(['Where is my order {order}?', 'Order {order} status', 'Has my order shipped yet?'], ['订单{order}什么时候发货？', '查询订单状态', '我的订单到哪了'], ['注文{order}の状況について'], ['주문 {order} 배송 문의']),
    opening: T(
      ['Hi, I placed order {order} {days} days ago for a {product} and it still says processing. Can you check?', 'Hello, could you tell me when order {order} will ship? I need the {product} by Friday.'],
      ['你好，我{days}天前下的订单{order}（{product}），到现在还显示处理中，麻烦帮我查一下。', '请问订单{order}什么时候能发货？{product}我周五前要用。'],
      ['{days}日前に注文した{product}（注文番号{order}）がまだ発送されていません。確認していただけますか？'],
      ['{days}일 전에 주문한 {product} (주문번호 {order})가 아직 배송 준비 중입니다. 확인 부탁드립니다.'],
    ),
    agent: T(
      ['Hi {name}, thanks for reaching out. Order {order} left our warehouse today; the tracking number is {tracking}.', 'I checked order {order}: it is packed and will be handed to the courier tomorrow morning.'],
      ['{name}您好，订单{order}今天已经出库，物流单号是{tracking}，请注意查收。', '您好，已帮您查询，订单{order}已打包，明天上午交给快递。'],
      ['{name}様、お問い合わせありがとうございます。ご注文{order}は本日発送いたしました。追跡番号は{tracking}です。'],
      ['{name}님, 주문 {order}은 오늘 출고되었습니다. 운송장 번호는 {tracking}입니다.'],
    ),
    customer: T(['Great, thank you!', 'Thanks, I can see the tracking now.', 'It still does not show any movement, can you check again?'], ['好的，谢谢！', '收到，物流信息已经能查到了。', '物流还是没有更新，能再帮我看看吗？'], ['ありがとうございます。'], ['감사합니다.']),
  },
  {
    key: 'refund',
    label: 'refund',
    team: 'After-sales 售后',
    subjects: T(['Refund request for order {order}', 'I want a refund', 'Refund not received yet'], ['申请退款', '订单{order}退款', '退款还没到账'], ['返金について'], ['환불 요청']),
    opening: T(
      ['I returned the {product} from order {order} last week and still have not received my refund of ${amount}.', 'The {product} arrived broken. I would like a full refund please, order {order}.'],
      ['我上周把订单{order}的{product}退回去了，{amount}元的退款还没到账。', '收到的{product}是坏的，我要申请退款，订单号{order}。'],
      ['注文{order}の{product}が壊れて届きました。返金をお願いします。'],
      ['주문 {order}의 {product}가 파손되어 도착했습니다. 환불을 원합니다.'],
    ),
    agent: T(
      ['Sorry about that, {name}. I have issued a refund of ${amount} to your original payment method; it takes 3-5 business days.', 'Could you send a photo of the damaged {product}? Then I can approve the refund right away.'],
      ['非常抱歉，{name}。已为您办理{amount}元退款，原路退回，预计3-5个工作日到账。', '麻烦您拍一张{product}损坏的照片发给我们，我马上为您审核退款。'],
      ['ご迷惑をおかけして申し訳ございません。{amount}円の返金手続きを行いました。'],
      ['불편을 드려 죄송합니다. {amount}원 환불 처리해 드렸습니다.'],
    ),
    customer: T(['Photo attached.', 'Thanks, I got the refund.', 'It has been a week and the refund is still not there.'], ['照片已经发了。', '退款收到了，谢谢。', '已经一个星期了退款还没到。'], ['写真を添付しました。'], ['사진 첨부했습니다.']),
  },
  {
    key: 'shipping',
    label: 'shipping',
    team: 'Logistics 物流',
    subjects: T(['Package delayed', 'Tracking {tracking} not updating', 'Delivery to wrong address'], ['发货太慢了', '物流{tracking}一直不更新', '快递送错地址了'], ['配送が遅れています'], ['배송 지연']),
    opening: T(
      ['My package with tracking {tracking} has not moved for {days} days.', 'The courier says the {product} was delivered but I never got it.'],
      ['我的快递{tracking}已经{days}天没有更新物流了。', '快递显示{product}已签收，但是我根本没收到。'],
      ['追跡番号{tracking}の荷物が{days}日間動いていません。'],
      ['운송장 {tracking} 배송 조회가 {days}일째 멈춰 있습니다.'],
    ),
    agent: T(
      ['I have opened an investigation with the courier for {tracking} and will update you within 24 hours.', 'I am sorry for the delay. We will reship the {product} today at no cost.'],
      ['已经联系快递公司核查{tracking}，24小时内给您回复。', '很抱歉耽误了您的时间，我们今天为您免费补发{product}。'],
      ['配送業者に{tracking}の調査を依頼しました。'],
      ['택배사에 {tracking} 조사를 요청했습니다.'],
    ),
    customer: T(['OK, waiting for your update.', 'Received it today, thanks.', 'Still nothing, this is frustrating.'], ['好的，等你们消息。', '今天收到了，谢谢。', '还是没有收到，太慢了。'], ['よろしくお願いします。'], ['알겠습니다.']),
  },
  {
    key: 'exchange',
    label: 'return',
    team: 'After-sales 售后',
    subjects: T(['Wrong size, exchange please', 'Return label for order {order}'], ['尺码不对，想换货', '退换货申请'], ['交換希望'], ['교환 요청']),
    opening: T(
      ['The {product} in order {order} is too small. Can I exchange it for a bigger size?', 'How do I return the {product}? I need a return label.'],
      ['订单{order}的{product}尺码小了，可以换大一号吗？', '{product}想退货，请问怎么寄回？'],
      ['{product}のサイズが合わないので交換できますか？'],
      ['{product} 사이즈가 맞지 않아 교환하고 싶습니다.'],
    ),
    agent: T(['Of course. I have emailed you a prepaid return label for order {order}.', 'The exchange is set up; the new size ships as soon as the return is scanned.'], ['可以的，已为订单{order}生成退货单，请按地址寄回。', '换货已登记，仓库收到退货后马上发出新尺码。'], ['交換を承りました。'], ['교환 접수되었습니다.']),
    customer: T(['Sent it back today.', 'Perfect, thanks.'], ['今天已经寄回了。', '好的，谢谢。'], ['本日返送しました。'], ['오늘 반송했습니다.']),
  },
  {
    key: 'invoice',
    label: 'billing',
    team: 'Orders',
    subjects: T(['Invoice for order {order}', 'Charged twice'], ['开发票', '重复扣款了'], ['領収書の発行'], ['영수증 요청']),
    opening: T(['Can I get a VAT invoice for order {order}? Company name attached.', 'I was charged twice (${amount}) for the same order {order}.'], ['订单{order}需要开增值税发票，抬头是公司名称。', '同一个订单{order}被扣了两次钱，{amount}元。'], ['注文{order}の領収書をお願いします。'], ['주문 {order} 영수증 발행 부탁드립니다.']),
    agent: T(['The invoice for order {order} is attached.', 'You are right, the second charge of ${amount} has been reversed.'], ['订单{order}的发票已开具，请查收邮件。', '核实是重复扣款，{amount}元已退回。'], ['領収書を添付いたしました。'], ['영수증을 첨부해 드렸습니다.']),
    customer: T(['Received, thank you.'], ['收到了，谢谢。'], ['ありがとうございます。'], ['감사합니다.']),
  },
  {
    key: 'account',
    label: 'account',
    team: 'Orders',
    subjects: T(['Cannot log in', 'Change my email address'], ['账号登录不了', '修改手机号'], ['ログインできません'], ['로그인이 안 됩니다']),
    opening: T(['I cannot log in to my account, the reset email never arrives.', 'Please change the email on my account to a new one.'], ['我的账号登录不了，收不到验证码。', '想把账号绑定的手机号改一下。'], ['パスワードリセットのメールが届きません。'], ['비밀번호 재설정 메일이 오지 않습니다.']),
    agent: T(['I have reset your password; please check your inbox and spam folder.', 'Done, your account email is updated.'], ['已为您重置密码，请查收短信。', '已经帮您修改好了。'], ['パスワードをリセットしました。'], ['비밀번호를 재설정했습니다.']),
    customer: T(['It works now.', 'Still no email.'], ['可以登录了。', '还是收不到。'], ['ログインできました。'], ['이제 됩니다.']),
  },
  {
    key: 'product',
    label: 'pre-sales',
    team: 'Sales 售前',
    subjects: T(['Question about the {product}', 'Is the {product} in stock?'], ['{product}有货吗', '咨询一下{product}'], ['{product}の在庫について'], ['{product} 재고 문의']),
    opening: T(['Is the {product} waterproof? And do you ship to Canada?', 'When will the {product} be back in stock?'], ['请问{product}防水吗？能发新疆吗？', '{product}什么时候补货？'], ['{product}は防水ですか？'], ['{product} 방수되나요?']),
    agent: T(['Yes, the {product} is rated IPX4 and we ship to Canada in 5-7 days.', 'We expect new stock in {days} days; I can notify you.'], ['{product}是IPX4防水的，新疆可以发，大约5-7天到。', '预计{days}天后补货，到货后第一时间通知您。'], ['{product}はIPX4の防水です。'], ['{product}는 IPX4 방수입니다.']),
    customer: T(['Thanks, I will order now.', 'Please notify me.'], ['好的，我下单了。', '到货通知我一下。'], ['注文します。'], ['주문하겠습니다.']),
  },
  {
    key: 'complaint',
    label: 'complaint',
    team: 'After-sales 售后',
    subjects: T(['Very disappointed', 'Complaint about the courier'], ['投诉快递员', '质量太差了，要投诉'], ['苦情'], ['불만 접수']),
    opening: T(['The courier was rude and left the {product} in the rain. I am very disappointed.', 'Second time the {product} breaks within a month. Poor quality.'], ['快递员态度很差，把{product}直接扔在门口淋雨了。', '{product}一个月坏了两次，质量太差了，我要投诉。'], ['配達員の対応がひどかったです。'], ['배송 기사님 태도가 불친절했습니다.']),
    agent: T(['I am truly sorry, {name}. I have escalated this and added a ${amount} credit to your account.', 'I understand your frustration; we will replace the {product} with a new one.'], ['{name}，非常抱歉给您带来不好的体验，已向快递公司投诉，并给您补偿{amount}元优惠券。', '理解您的心情，我们为您换一个全新的{product}。'], ['大変申し訳ございません。'], ['정말 죄송합니다.']),
    customer: T(['OK, thank you for handling it.', 'That is not enough.'], ['好吧，谢谢处理。', '这个补偿不够。'], ['対応ありがとうございます。'], ['처리해 주셔서 감사합니다.']),
  },
];

export const NOTES: Record<'en' | 'zh', string[]> = {
  en: ['Customer is a repeat buyer, be generous.', 'Checked with the warehouse: stock arrives Monday.', 'Escalated to logistics lead.', 'Possible fraud, verify the address before reshipping.'],
  zh: ['老客户，可以适当补偿。', '已和仓库确认，周一到货。', '已升级给物流主管处理。', '地址可疑，补发前先核实。'],
};

export const LABELS: Array<{ name: string; color: string }> = [
  { name: 'order', color: '#2563eb' },
  { name: 'refund', color: '#dc2626' },
  { name: 'shipping', color: '#d97706' },
  { name: 'return', color: '#7c3aed' },
  { name: 'billing', color: '#059669' },
  { name: 'account', color: '#0891b2' },
  { name: 'pre-sales', color: '#65a30d' },
  { name: 'complaint', color: '#be123c' },
  { name: 'vip', color: '#ca8a04' },
  { name: '加急', color: '#ea580c' },
];

export const TEAMS = ['Orders', 'After-sales 售后', 'Logistics 物流', 'Sales 售前'];
