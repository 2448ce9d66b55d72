import type { Random } from './random.js';

export type Lang = 'en' | 'zh' | 'ja' | 'ko';

const ZH_SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const ZH_GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '慧', '建国', '晓东', '雪', '婷', '子轩', '浩然', '欣怡', '梓涵'];
const ZH_PINYIN: Record<string, string> = {
  王: 'wang', 李: 'li', 张: 'zhang', 刘: 'liu', 陈: 'chen', 杨: 'yang', 黄: 'huang', 赵: 'zhao', 吴: 'wu', 周: 'zhou',
  徐: 'xu', 孙: 'sun', 马: 'ma', 朱: 'zhu', 胡: 'hu', 郭: 'guo', 何: 'he', 林: 'lin', 罗: 'luo', 高: 'gao',
};
const EN_FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan', 'Emma', 'Olivia', 'Noah', 'Liam', 'Sophia', 'Lucas', 'Mia', 'Ethan', 'Chloe', 'Daniel', 'Grace', 'Oscar'];
const EN_LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark', 'Walker', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson'];
const JA_NAMES = ['佐藤 健', '鈴木 花子', '高橋 翔', '田中 美咲', '伊藤 大輔', '渡辺 さくら', '山本 蓮', '中村 陽菜'];
const KO_NAMES = ['김민준', '이서연', '박지훈', '최수아', '정우진', '강하은', '조현우', '윤지민'];
const EMAIL_DOMAINS: Record<Lang, string[]> = {
  en: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me'],
  zh: ['qq.com', '163.com', '126.com', 'sina.com', 'foxmail.com'],
  ja: ['yahoo.co.jp', 'gmail.com', 'docomo.ne.jp'],
  ko: ['naver.com', 'daum.net', 'gmail.com'],
};

export interface Person {
  name: string;
  lang: Lang;
  email: string | null;
  phone: string | null;
  /** the channels this person uses, first is where they usually write from */
  identities: Array<{ kind: 'email' | 'phone' | 'widget' | 'wechat' | 'whatsapp' | 'telegram'; value: string }>;
}

export function makePerson(rng: Random, n: number): Person {
  const lang = rng.weighted<Lang>({ zh: 48, en: 42, ja: 5, ko: 5 });
  let name: string;
  let handle: string;
  if (lang === 'zh') {
    const surname = rng.pick(ZH_SURNAMES);
    name = surname + rng.pick(ZH_GIVEN);
    handle = `${ZH_PINYIN[surname] ?? 'user'}${rng.digits(4)}`;
  } else if (lang === 'en') {
    const first = rng.pick(EN_FIRST);
    const last = rng.pick(EN_LAST);
    name = `${first} ${last}`;
    handle = `${first}.${last}`.toLowerCase();
  } else {
    name = rng.pick(lang === 'ja' ? JA_NAMES : KO_NAMES);
    handle = `user${rng.digits(5)}`;
  }
  // The running number keeps every address unique however many contacts are made.
  const email = rng.chance(0.85) ? `${handle}${n}@${rng.pick(EMAIL_DOMAINS[lang])}` : null;
  const phone = rng.chance(0.5)
    ? lang === 'zh'
      ? `+86 13${rng.int(0, 9)}-${rng.digits(4)}-${String(n % 10000).padStart(4, '0')}`
      : `+1 ${rng.digits(3)}-555-${String(n % 10000).padStart(4, '0')}${rng.int(0, 9)}`
    : null;

  const identities: Person['identities'] = [];
  if (email) identities.push({ kind: 'email', value: email });
  if (rng.chance(0.35)) identities.push({ kind: 'widget', value: `v_${n.toString(36)}_${rng.digits(6)}` });
  if (lang === 'zh' && rng.chance(0.5)) identities.push({ kind: 'wechat', value: `o${n.toString(36)}_${rng.digits(8)}` });
  if (phone && rng.chance(0.4)) identities.push({ kind: lang === 'zh' ? 'phone' : 'whatsapp', value: phone.replace(/[^\d+]/g, '') });
  if (lang !== 'zh' && rng.chance(0.1)) identities.push({ kind: 'telegram', value: String(100000000 + n) });
  if (identities.length === 0) identities.push({ kind: 'widget', value: `v_${n.toString(36)}_${rng.digits(6)}` });
  return { name, lang, email, phone, identities };
}
