/**
 * Demo master data, generated in memory: owners (3PL clients), suppliers, customers and SKUs with
 * realistic names, dimensions, pack units, GTIN-13 barcodes and a Pareto-shaped demand profile
 * from which the ABC class is derived. Pure: no database here.
 */
import type { Temperature } from '../db/schema.ts';
import { Random } from '../../model/random.ts';

export type DemoWarehouse = 'WH1' | 'WH2';

export interface OwnerDef { code: string; name: string; gs1Prefix: string }
export interface SupplierDef {
  code: string; name: string; requiresQc: boolean; leadDays: number; categories: string[];
}
export interface CustomerDef { code: string; name: string; minRemainingShelfLifeDays: number | null; weight: number }

export interface SkuDef {
  code: string;
  name: string;
  spec: string;
  category: string;
  owner: number;
  supplier: number;
  warehouse: DemoWarehouse;
  temperature: Temperature;
  lengthM: number;
  widthM: number;
  heightM: number;
  weightKg: number;
  volumeM3: number;
  shelfLifeDays: number | null;
  minRemainingShelfLifeDays: number | null;
  lotTracked: boolean;
  expiryTracked: boolean;
  requiresQc: boolean;
  caseFactor: number;
  /** Base units on a full pallet (always known; also a PAL unit for some SKUs). */
  palletQty: number;
  hasPalletUnit: boolean;
  eaBarcode: string;
  caseBarcode: string;
  /** Share of its warehouse's order lines (Pareto: a few SKUs carry most of the volume). */
  popularity: number;
  abcClass: 'A' | 'B' | 'C';
  /** Mean order lines per day at scale 1 before seasonality. */
  linesPerDay: number;
  /** Largest "each" quantity on a line; bigger lines come in whole cases. */
  eachMax: number;
  /**
   * Long-term storage of a 3PL client (seasonal and promotional stock, slow ranges kept in reserve): received
   * before go-live, ordered only now and then; it fills the locations the fast-moving range does not need.
   */
  storageOnly: boolean;
}

export interface Catalog {
  owners: OwnerDef[];
  suppliers: SupplierDef[];
  customers: CustomerDef[];
  skus: SkuDef[];
}

/** GS1 check digit of the first 12 digits of a GTIN-13. */
export function gtin13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error(`gtin13 needs 12 digits, got ${first12}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[11 - i]) * (i % 2 === 0 ? 3 : 1);
  return first12 + String((10 - (sum % 10)) % 10);
}

const OWNERS: OwnerDef[] = [
  { code: 'HXF', name: '华鑫食品有限公司 (Huaxin Foods Co., Ltd.)', gs1Prefix: '6901234' },
  { code: 'NBC', name: 'Northbridge Consumer Goods Ltd', gs1Prefix: '5012345' },
  { code: 'LTE', name: '蓝拓电子科技 (Lantuo Electronics)', gs1Prefix: '6934567' },
];
/** Probability that a SKU of the owner carries a Chinese name. */
const ZH_SHARE = [0.75, 0.25, 0.6];
const BRANDS: { zh: string[]; en: string[] }[] = [
  { zh: ['华鑫', '康源', '鲜语', '田园', '金穗', '海之味'], en: ['Huaxin', 'Golden Field', 'Sea Harvest'] },
  { zh: ['悦家', '清风'], en: ['Northbridge', 'BrightHome', 'Harvest Lane', 'Green Valley'] },
  { zh: ['蓝拓', '智联'], en: ['Lantuo', 'Voltix'] },
];

type Shape = 'bottle' | 'bag' | 'box' | 'flat';
const SHAPES: Record<Shape, [number, number, number]> = {
  bottle: [1, 1, 3], bag: [1.4, 0.6, 1.8], box: [2, 1.3, 1], flat: [3, 2, 0.6],
};

/** A product line: Chinese and English name, and which of the category's sizes it comes in (all if absent). */
type Product = [zh: string, en: string, sizes?: number[]];

interface Category {
  code: string;
  warehouse: DemoWarehouse;
  temperature: Temperature;
  owners: number[];
  /** Share of the SKUs of its warehouse. */
  share: number;
  shelfLife: [number, number] | null;
  /** SKU minimum remaining shelf life as a fraction of its shelf life. */
  minRemaining: number;
  shape: Shape;
  caseFactors: number[];
  products: Product[];
  /** [zh, en]; '' = no variant */
  variants: [string, string][];
  /** [zh label, en label, packed volume in litres, kg] */
  sizes: [string, string, number, number][];
}

const CATEGORIES: Category[] = [
  {
    code: 'BEV', warehouse: 'WH1', temperature: 'ambient', owners: [0], share: 0.16, shelfLife: [270, 540],
    minRemaining: 0.33, shape: 'bottle', caseFactors: [6, 12, 15, 24],
    products: [['矿泉水', 'Still Water'], ['苏打水', 'Sparkling Water'], ['绿茶', 'Green Tea', [1, 2, 3]],
      ['乌龙茶', 'Oolong Tea', [1, 2, 3]], ['柠檬茶', 'Lemon Tea', [0, 1, 2]], ['橙汁', 'Orange Juice', [0, 3, 5]],
      ['苹果汁', 'Apple Juice', [0, 3]], ['椰子水', 'Coconut Water', [0, 3]], ['可乐', 'Cola'],
      ['功能饮料', 'Energy Drink', [0, 1]], ['冷萃咖啡', 'Cold Brew Coffee', [0]]],
    variants: [['', ''], ['无糖', 'Zero Sugar'], ['低糖', 'Light'], ['原味', 'Original'], ['蜜桃味', 'Peach']],
    sizes: [['330ml', '330ml', 0.36, 0.36], ['500ml', '500ml', 0.55, 0.53], ['550ml', '550ml', 0.6, 0.58],
      ['1L', '1L', 1.1, 1.05], ['1.5L', '1.5L', 1.6, 1.56], ['2L', '2L', 2.15, 2.07]],
  },
  {
    code: 'SNK', warehouse: 'WH1', temperature: 'ambient', owners: [0], share: 0.14, shelfLife: [180, 365],
    minRemaining: 0.33, shape: 'bag', caseFactors: [10, 12, 20, 24],
    products: [['薯片', 'Potato Chips', [0, 1, 2]], ['苏打饼干', 'Soda Crackers', [1, 3, 4]],
      ['燕麦饼干', 'Oat Cookies', [1, 3]], ['混合坚果', 'Mixed Nuts', [2, 3, 4]], ['牛肉干', 'Beef Jerky', [0, 1]],
      ['海苔', 'Seaweed Snack', [0]], ['米饼', 'Rice Crackers', [1, 2]], ['黑巧克力', 'Dark Chocolate', [0, 1]]],
    variants: [['原味', 'Original'], ['海盐味', 'Sea Salt'], ['烧烤味', 'BBQ'], ['香辣味', 'Chili'], ['蜂蜜味', 'Honey']],
    sizes: [['70g', '70g', 0.35, 0.08], ['100g', '100g', 0.45, 0.11], ['150g', '150g', 0.6, 0.16],
      ['200g', '200g', 0.7, 0.21], ['500g', '500g', 1.4, 0.52]],
  },
  {
    code: 'PAN', warehouse: 'WH1', temperature: 'ambient', owners: [0, 1], share: 0.14, shelfLife: [365, 730],
    minRemaining: 0.25, shape: 'box', caseFactors: [4, 6, 12, 20],
    products: [['大米', 'Jasmine Rice', [3, 4]], ['挂面', 'Wheat Noodles', [1, 2]], ['意大利面', 'Spaghetti', [1]],
      ['酱油', 'Soy Sauce', [5, 6]], ['香醋', 'Black Vinegar', [5]], ['蚝油', 'Oyster Sauce', [5]],
      ['花生油', 'Peanut Oil', [6]], ['番茄罐头', 'Canned Tomatoes', [0]], ['金枪鱼罐头', 'Canned Tuna', [0]],
      ['花生酱', 'Peanut Butter', [0, 1]], ['燕麦片', 'Oat Flakes', [1, 2]]],
    variants: [['', ''], ['精选', 'Select'], ['有机', 'Organic'], ['家庭装', 'Family Pack']],
    sizes: [['250g', '250g', 0.3, 0.27], ['500g', '500g', 0.6, 0.52], ['1kg', '1kg', 1.1, 1.03],
      ['2kg', '2kg', 2.3, 2.05], ['5kg', '5kg', 6, 5.1], ['500ml', '500ml', 0.6, 0.58], ['1.8L', '1.8L', 2, 1.75]],
  },
  {
    code: 'HOM', warehouse: 'WH1', temperature: 'ambient', owners: [1], share: 0.18, shelfLife: null,
    minRemaining: 0, shape: 'box', caseFactors: [4, 6, 8, 12],
    products: [['洗衣液', 'Laundry Detergent', [1, 3]], ['洗洁精', 'Dish Soap', [0, 1]],
      ['消毒喷雾', 'Disinfectant Spray', [0]], ['垃圾袋', 'Trash Bags', [4]], ['保鲜膜', 'Cling Film', [7]],
      ['抽纸', 'Facial Tissues', [5]], ['卷纸', 'Toilet Rolls', [6]], ['洗衣凝珠', 'Laundry Pods', [2]],
      ['玻璃清洁剂', 'Glass Cleaner', [0]]],
    variants: [['', ''], ['柠檬香', 'Lemon'], ['薰衣草', 'Lavender'], ['无香', 'Unscented'], ['经济装', 'Value Pack']],
    sizes: [['500ml', '500ml', 0.6, 0.55], ['1L', '1L', 1.15, 1.08], ['30颗', '30 pods', 1.2, 0.6],
      ['3L', '3L', 3.4, 3.15], ['30只', '30 pcs', 1.2, 0.35], ['3包', '3-pack', 3.5, 0.45],
      ['10卷', '10 rolls', 9, 1.1], ['30米', '30 m', 0.5, 0.3]],
  },
  {
    code: 'PER', warehouse: 'WH1', temperature: 'ambient', owners: [1], share: 0.16, shelfLife: null,
    minRemaining: 0, shape: 'bottle', caseFactors: [12, 24, 36, 48],
    products: [['洗发水', 'Shampoo', [2, 3, 4]], ['护发素', 'Conditioner', [2, 3]], ['沐浴露', 'Body Wash', [3, 4]],
      ['牙膏', 'Toothpaste', [1]], ['漱口水', 'Mouthwash', [2, 4]], ['护手霜', 'Hand Cream', [0]],
      ['洗面奶', 'Face Wash', [1]], ['防晒霜', 'Sunscreen SPF50', [0]]],
    variants: [['清爽', 'Fresh'], ['滋润', 'Moisturising'], ['薄荷', 'Mint'], ['敏感肌', 'Sensitive']],
    sizes: [['50ml', '50ml', 0.07, 0.06], ['120g', '120g', 0.15, 0.14], ['200ml', '200ml', 0.25, 0.22],
      ['400ml', '400ml', 0.48, 0.44], ['750ml', '750ml', 0.85, 0.8]],
  },
  {
    code: 'ELE', warehouse: 'WH1', temperature: 'ambient', owners: [2], share: 0.14, shelfLife: null,
    minRemaining: 0, shape: 'flat', caseFactors: [10, 20, 50],
    products: [['USB-C 数据线', 'USB-C Cable', [0, 1]], ['快充充电器 20W', 'Fast Charger 20W', [2]],
      ['蓝牙耳机', 'Bluetooth Earbuds', [2]], ['5号电池', 'AA Batteries', [3, 4]], ['7号电池', 'AAA Batteries', [3, 4]],
      ['移动电源 10000mAh', 'Power Bank 10000mAh', [2]], ['LED 灯泡 E27', 'LED Bulb E27', [5]],
      ['无线鼠标', 'Wireless Mouse', [2]], ['HDMI 线', 'HDMI Cable', [0, 1]]],
    variants: [['黑色', 'Black'], ['白色', 'White'], ['', '']],
    sizes: [['1米', '1 m', 0.25, 0.06], ['2米', '2 m', 0.4, 0.11], ['', '', 0.6, 0.2], ['4节装', '4-pack', 0.1, 0.1],
      ['8节装', '8-pack', 0.2, 0.19], ['9W', '9 W', 0.35, 0.05]],
  },
  {
    code: 'OFF', warehouse: 'WH1', temperature: 'ambient', owners: [2], share: 0.08, shelfLife: null,
    minRemaining: 0, shape: 'flat', caseFactors: [5, 10, 20],
    products: [['A4 复印纸', 'A4 Copy Paper', [0]], ['中性笔', 'Gel Pens', [1]], ['笔记本', 'Notebook', [2]],
      ['便利贴', 'Sticky Notes', [3]], ['订书机', 'Stapler', [4]], ['文件夹', 'Ring Binder', [4]],
      ['白板笔', 'Whiteboard Markers', [1]]],
    variants: [['', ''], ['黑色', 'Black'], ['蓝色', 'Blue'], ['加厚', 'Heavy Duty']],
    sizes: [['500张', '500 sheets', 3, 2.5], ['10支装', '10-pack', 0.2, 0.12], ['A5', 'A5', 0.5, 0.3],
      ['4本装', '4-pack', 0.3, 0.2], ['', '', 0.8, 0.4]],
  },
  {
    code: 'DAI', warehouse: 'WH2', temperature: 'chilled', owners: [0], share: 0.35, shelfLife: [10, 30],
    minRemaining: 0.25, shape: 'bottle', caseFactors: [6, 8, 12],
    products: [['鲜牛奶', 'Fresh Milk', [2, 3]], ['低脂牛奶', 'Skimmed Milk', [2, 3]], ['酸奶', 'Natural Yogurt', [0, 1]],
      ['希腊酸奶', 'Greek Yogurt', [0, 1]], ['奶酪片', 'Cheddar Slices', [0]], ['黄油', 'Butter', [0]],
      ['豆浆', 'Soy Milk', [2]], ['乳酸菌饮品', 'Kefir', [1]]],
    variants: [['', ''], ['原味', 'Plain'], ['草莓味', 'Strawberry'], ['高钙', 'High Protein']],
    sizes: [['200g', '200g', 0.22, 0.21], ['450g', '450g', 0.5, 0.47], ['950ml', '950ml', 1.05, 1.0],
      ['2L', '2L', 2.2, 2.08]],
  },
  {
    code: 'FRS', warehouse: 'WH2', temperature: 'chilled', owners: [0, 1], share: 0.25, shelfLife: [7, 14],
    minRemaining: 0.2, shape: 'box', caseFactors: [4, 6, 8],
    products: [['鲜鸡胸肉', 'Chicken Breast Fillets', [1, 2, 3]], ['猪里脊', 'Pork Loin', [1, 2]],
      ['牛肉末', 'Beef Mince', [1, 2]], ['三文鱼柳', 'Salmon Fillets', [0, 1]], ['嫩豆腐', 'Fresh Tofu', [1]],
      ['鲜面条', 'Fresh Noodles', [2]], ['即食沙拉', 'Caesar Salad', [0]], ['鹰嘴豆泥', 'Hummus', [0]]],
    variants: [['', ''], ['精选', 'Premium'], ['家庭装', 'Family Pack']],
    sizes: [['250g', '250g', 0.4, 0.27], ['400g', '400g', 0.6, 0.43], ['500g', '500g', 0.7, 0.53],
      ['1kg', '1kg', 1.3, 1.05]],
  },
  {
    code: 'FRZ', warehouse: 'WH2', temperature: 'frozen', owners: [0], share: 0.4, shelfLife: [180, 540],
    minRemaining: 0.25, shape: 'box', caseFactors: [6, 10, 12, 20],
    products: [['猪肉白菜水饺', 'Pork & Cabbage Dumplings', [1, 2]], ['三鲜水饺', 'Seafood Dumplings', [1, 2]],
      ['黑芝麻汤圆', 'Sesame Rice Balls', [0, 1]], ['香草冰淇淋', 'Vanilla Ice Cream', [3]],
      ['冷冻虾仁', 'Frozen Prawns', [0, 1]], ['西冷牛排', 'Sirloin Steak', [0]], ['速冻玉米粒', 'Frozen Sweetcorn', [1, 2]],
      ['鸡块', 'Chicken Nuggets', [1, 2]], ['冷冻豌豆', 'Frozen Peas', [1, 2]]],
    variants: [['', ''], ['家庭装', 'Family Pack'], ['精品', 'Classic']],
    sizes: [['300g', '300g', 0.45, 0.32], ['500g', '500g', 0.75, 0.53], ['1kg', '1kg', 1.4, 1.05],
      ['1L', '1L', 1.15, 0.6]],
  },
];

const SUPPLIERS: [string, boolean, number, string[]][] = [
  ['广州鲜达食品供应链有限公司', true, 1, ['DAI', 'FRS']],
  ['上海晨露乳业', false, 1, ['DAI']],
  ['Polar Fresh Logistics Ltd', false, 2, ['FRZ']],
  ['大连海之味水产有限公司', true, 2, ['FRZ', 'FRS']],
  ['华鑫饮品工厂', false, 3, ['BEV']],
  ['Blue Spring Beverages Ltd', false, 4, ['BEV']],
  ['福建好味食品有限公司', false, 4, ['SNK']],
  ['Crunchy Co. Snacks', false, 5, ['SNK']],
  ['五常金穗米业', true, 5, ['PAN']],
  ['Mediterraneo Imports S.r.l.', true, 7, ['PAN']],
  ['广东清风日化有限公司', false, 3, ['HOM']],
  ['BrightHome Manufacturing', false, 4, ['HOM']],
  ['Evergreen Paper Products', false, 5, ['HOM']],
  ['杭州悦家个护用品', false, 3, ['PER']],
  ['Northbridge Personal Care Plant', true, 4, ['PER']],
  ['深圳蓝拓电子工厂', false, 3, ['ELE']],
  ['Voltix Components Ltd', true, 6, ['ELE']],
  ['宁波文联办公用品', false, 4, ['OFF']],
  ['OfficeLine Supplies', false, 5, ['OFF']],
  ['宁夏塞上冷链物流', false, 2, ['DAI', 'FRS', 'FRZ']],
];

const CHAINS_ZH = ['鲜惠超市', '邻里便利店', '优品生活', '乐购仓储会员店', '万家福超市', '好又多便利'];
const CITIES_ZH = ['上海徐汇', '北京朝阳', '杭州西湖', '苏州工业园', '南京鼓楼', '深圳南山', '广州天河', '成都高新'];
const CHAINS_EN = ['Riverside Grocers', 'Sunrise Mart', 'CityFresh', 'Oakwood Stores', 'Blue Harbor Trading',
  'QuickBasket Online', 'Maple Lane Foods', 'Greenway Pharmacy'];
const CITIES_EN = ['Hong Kong', 'Singapore', 'Manchester', 'Leeds', 'Auckland', 'Vancouver', 'Penang', 'Macau'];

export const DEMO_CUSTOMERS = 50;
/** Order lines per day per warehouse at scale 1 (weekday average before seasonality). */
export const LINES_PER_DAY: Record<DemoWarehouse, number> = { WH1: 340, WH2: 140 };
export const BASE_SKUS = 2000;
const COLD_SHARE = 0.1;
/**
 * Storage-only SKUs per warehouse, whatever the scale: the demo's buildings are fixed, and so is the stock that
 * keeps them realistically full (history.ts places it). WH1 stores non-dated goods, WH2 long-life frozen goods.
 */
export const STORAGE_ONLY_SKUS: Record<DemoWarehouse, number> = { WH1: 1000, WH2: 80 };
const STORAGE_ONLY_CATEGORIES: Record<DemoWarehouse, string[]> = { WH1: ['HOM', 'PER', 'ELE', 'OFF'], WH2: ['FRZ'] };
/** Order lines per day (scale 1) of a storage-only SKU: a call-off now and then. */
const STORAGE_ONLY_LINES: [number, number] = [0.004, 0.03];

const round = (x: number, step: number) => Number(Math.max(step, Math.round(x / step) * step).toFixed(3));

function dims(rng: Random, litres: number, shape: Shape): [number, number, number] {
  const [a, b, c] = SHAPES[shape];
  const k = Math.cbrt(litres / 1000 / (a * b * c)) * rng.between(0.95, 1.05);
  return [round(k * a, 0.005), round(k * b, 0.005), round(k * c, 0.005)];
}

/** Build the catalog. SKUs scale with `scale` (at least a few per category); the rest is fixed. */
export function buildCatalog(rng: Random, scale: number): Catalog {
  const suppliers: SupplierDef[] = SUPPLIERS.map(([name, requiresQc, leadDays, categories], i) => ({
    code: `SUP${String(i + 1).padStart(3, '0')}`, name, requiresQc, leadDays, categories,
  }));

  const customers: CustomerDef[] = [];
  for (let i = 0; i < DEMO_CUSTOMERS; i++) {
    const zh = i % 3 !== 2;
    const name = zh ? `${CHAINS_ZH[i % CHAINS_ZH.length]}（${rng.pick(CITIES_ZH)}店）`
      : `${CHAINS_EN[i % CHAINS_EN.length]} - ${rng.pick(CITIES_EN)}`;
    // Grocery chains demand fresh stock; about a third of the customers set a minimum remaining shelf life.
    const min = rng.chance(0.35) ? rng.pick([30, 45, 60, 90]) : null;
    customers.push({ code: `C${String(i + 1).padStart(4, '0')}`, name, minRemainingShelfLifeDays: min,
      weight: 1 / Math.pow(i + 1, 0.8) });
  }
  rng.shuffle(customers);

  const total = Math.max(40, Math.round(BASE_SKUS * scale));
  const perWarehouse: Record<DemoWarehouse, number> = {
    WH2: Math.max(9, Math.round(total * COLD_SHARE)), WH1: 0,
  };
  perWarehouse.WH1 = total - perWarehouse.WH2;

  const skus: SkuDef[] = [];
  const itemRefs = OWNERS.map(() => 10000);
  const codeSeq = new Map<string, number>();
  const usedNames = new Set<string>();
  for (const wh of ['WH1', 'WH2'] as const) {
    const cats = CATEGORIES.filter((c) => c.warehouse === wh);
    const counts = cats.map((c) => Math.max(3, Math.round(c.share * perWarehouse[wh])));
    const first = skus.length;
    cats.forEach((cat, ci) => {
      for (let n = 0; n < counts[ci]!; n++) skus.push(makeSku(rng, cat, suppliers, itemRefs, codeSeq, usedNames));
    });
    assignDemand(rng, skus.slice(first), LINES_PER_DAY[wh]);
  }
  for (const wh of ['WH1', 'WH2'] as const) {
    const cats = CATEGORIES.filter((c) => STORAGE_ONLY_CATEGORIES[wh].includes(c.code));
    for (let n = 0; n < STORAGE_ONLY_SKUS[wh]; n++) {
      const cat = cats[n % cats.length]!;
      // Frozen stock stored for months is long-life stock.
      const sku = makeSku(rng, cat, suppliers, itemRefs, codeSeq, usedNames,
        cat.shelfLife ? [Math.max(365, cat.shelfLife[0]), Math.max(540, cat.shelfLife[1])] : null);
      sku.storageOnly = true;
      sku.linesPerDay = rng.between(...STORAGE_ONLY_LINES);
      sku.popularity = sku.linesPerDay / LINES_PER_DAY[wh];
      sku.hasPalletUnit = sku.weightKg * sku.caseFactor > 8 || rng.chance(0.2);
      skus.push(sku);
    }
  }
  return { owners: OWNERS, suppliers, customers, skus };
}

function makeSku(rng: Random, cat: Category, suppliers: SupplierDef[], itemRefs: number[],
  codeSeq: Map<string, number>, usedNames: Set<string>, shelfLife = cat.shelfLife): SkuDef {
  const owner = rng.pick(cat.owners);
  const zh = rng.chance(ZH_SHARE[owner]!);
  const lang = zh ? 'zh' : 'en';
  const li = zh ? 0 : 1;
  let name = '';
  let size: [string, string, number, number] = cat.sizes[0]!;
  for (let attempt = 0; attempt < 8; attempt++) {
    const product = rng.pick(cat.products);
    size = cat.sizes[rng.pick(product[2] ?? cat.sizes.map((_, i) => i))]!;
    name = [rng.pick(BRANDS[owner]![lang]), product[li], rng.pick(cat.variants)[li], size[li]].filter(Boolean).join(' ');
    if (!usedNames.has(name)) break;
  }
  usedNames.add(name);
  const [, , litres0, kg0] = size;
  const litres = litres0 * rng.between(0.9, 1.1);
  const weightKg = Math.max(0.01, Math.round(kg0 * rng.between(0.92, 1.08) * 1000) / 1000);
  const [lengthM, widthM, heightM] = dims(rng, litres, cat.shape);
  const volumeM3 = lengthM * widthM * heightM;
  const caseFactor = rng.pick(cat.caseFactors);
  // A pallet load: ~1.2 m³ and at most 800 kg of cases.
  const casesPerPallet = Math.max(4, Math.min(200,
    Math.floor(Math.min(1.2 / (volumeM3 * caseFactor), 800 / (weightKg * caseFactor)))));
  const shelfLifeDays = shelfLife ? rng.int(shelfLife[0], shelfLife[1]) : null;
  const tracked = shelfLifeDays !== null;
  const ownerDef = OWNERS[owner]!;
  const ref = ++itemRefs[owner]!;
  const seq = (codeSeq.get(`${ownerDef.code}${cat.code}`) ?? 0) + 1;
  codeSeq.set(`${ownerDef.code}${cat.code}`, seq);
  const candidates = suppliers.map((s, i) => ({ s, i })).filter(({ s }) => s.categories.includes(cat.code));
  const supplier = rng.pick(candidates).i;
  const sizeLabel = zh ? size[0] : size[1];
  return {
    code: `${ownerDef.code}-${cat.code}${String(seq).padStart(4, '0')}`,
    name,
    spec: `${sizeLabel ? `${sizeLabel}, ` : ''}${caseFactor}/case`,
    category: cat.code, owner, supplier, warehouse: cat.warehouse, temperature: cat.temperature,
    lengthM, widthM, heightM, weightKg, volumeM3,
    shelfLifeDays,
    minRemainingShelfLifeDays: tracked ? Math.max(1, Math.round(shelfLifeDays * cat.minRemaining)) : null,
    lotTracked: tracked, expiryTracked: tracked,
    requiresQc: rng.chance(0.03),
    caseFactor, palletQty: casesPerPallet * caseFactor, hasPalletUnit: false,
    eaBarcode: gtin13(`${ownerDef.gs1Prefix}${String(ref).padStart(5, '0')}`),
    caseBarcode: gtin13(`${ownerDef.gs1Prefix}${String(ref + 50000).padStart(5, '0')}`),
    popularity: 0, abcClass: 'C', linesPerDay: 0,
    eachMax: Math.max(2, Math.min(12, caseFactor)),
    storageOnly: false,
  };
}

/**
 * Zipf-like popularity over a random ranking (weight 1/rank): the top 20 % of SKUs carry ~80 % of
 * the lines. ABC: A up to 80 % of the cumulative volume, B up to 95 %, C the tail.
 */
function assignDemand(rng: Random, skus: SkuDef[], linesPerDay: number) {
  // Random ranking, except that fresh goods with a short shelf life are the fast movers (a slow
  // SKU that expires within days would be delisted).
  const freshness = (sku: SkuDef) => (sku.temperature === 'chilled' ? Math.min(1, (sku.shelfLifeDays ?? 30) / 40) : 1);
  const ranked = skus.map((sku) => ({ sku, key: rng.next() * freshness(sku) })).sort((a, b) => a.key - b.key)
    .map(({ sku }, i) => ({ sku, w: rng.between(0.85, 1.15) / (i + 1) }))
    .sort((a, b) => b.w - a.w);
  const sum = ranked.reduce((a, r) => a + r.w, 0);
  let acc = 0;
  ranked.forEach(({ sku, w }) => {
    sku.popularity = w / sum;
    acc += sku.popularity;
    sku.abcClass = acc - sku.popularity < 0.8 ? 'A' : acc - sku.popularity < 0.95 ? 'B' : 'C';
    sku.linesPerDay = linesPerDay * sku.popularity;
    // Fast movers and bulky items are handled in full pallets as well.
    sku.hasPalletUnit = sku.abcClass === 'A' || sku.weightKg * sku.caseFactor > 8 || rng.chance(0.2);
  });
}
