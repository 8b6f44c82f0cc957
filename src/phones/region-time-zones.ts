// Time zones of phone numbers. Intl.supportedValuesOf('timeZone') lists zones but not the country each belongs to, and
// libphonenumber-js has no time zone data, so the mapping lives here as three compact tables. A zone in these tables
// stands for one local clock, not a place: the answer decides when a recipient may be texted (quiet hours), so
// Indianapolis and Detroit are both "America/New_York". Rules as of tzdata 2025; regenerate the country tables from
// tzdata's zone.tab if a country changes its clocks.

// North American area codes (NPA) by zone. An area code that straddles a zone boundary is listed under every zone it
// covers (enclaves of a few thousand people are left out). Area codes missing here fall back to the whole country.
const NANP_AREA_CODE_ZONES: Readonly<Record<string, string>> = {
  'Pacific/Honolulu': '808',
  'America/Anchorage': '907',
  'America/Los_Angeles': `206 208 209 213 253 279 310 323 341 350 360 369 408 415 424 425 442 458 503 509 510 530
    541 559 562 564 619 626 628 650 657 661 669 702 707 714 725 738 747 760 775 805 818 820 831 840 858 909 916 925
    949 951 971 986`,
  'America/Phoenix': '480 520 602 623 928',
  'America/Denver': '208 303 307 308 385 406 435 458 505 541 575 605 701 719 720 748 801 915 928 970 983 986',
  'America/Chicago': `205 210 214 217 218 219 224 225 228 235 251 254 256 262 270 274 281 308 309 312 314 316 318
    319 320 325 327 331 334 337 346 353 361 364 402 405 409 414 417 430 432 447 448 464 469 479 501 504 507 512 515
    531 534 539 557 563 572 573 580 601 605 606 608 612 615 618 620 629 630 636 641 651 659 660 662 682 701 708 712
    713 715 726 730 731 737 763 769 773 779 785 806 812 815 816 817 830 832 847 850 870 872 901 903 906 913 918 920
    930 931 936 938 940 945 952 956 972 975 979 985`,
  'America/New_York': `201 202 203 207 212 215 216 220 223 227 229 231 234 239 240 248 252 260 267 269 270 272 276
    283 301 302 304 305 313 315 317 321 324 326 329 330 332 336 339 347 351 352 363 364 380 386 401 404 407 410 412
    413 419 423 434 440 443 445 448 463 470 472 475 478 484 502 508 513 516 517 518 540 551 561 567 570 571 574 582
    585 586 603 606 607 609 610 614 616 617 631 640 645 646 656 667 678 680 681 686 689 703 704 706 716 717 718 724
    727 728 732 734 740 743 754 757 762 765 770 771 772 774 781 786 802 803 804 810 812 813 814 821 826 828 835 838
    839 843 845 848 850 854 856 857 859 860 862 863 864 865 878 904 906 908 910 912 914 917 919 929 930 934 937 941
    943 947 948 954 959 973 978 980 984 989`,
  'America/Vancouver': '236 250 257 604 672 778',
  'America/Whitehorse': '236 250 257 672 778 867',
  'America/Edmonton': '236 250 257 368 403 587 672 778 780 825 867',
  'America/Regina': '306 474 639',
  'America/Winnipeg': '204 431 584 807 867',
  'America/Toronto': `226 249 263 289 343 354 365 367 382 416 418 437 438 450 468 514 519 548 579 581 613 647 683
    705 742 753 807 819 867 873 905 942`,
  'America/Halifax': '428 506 709 782 879 902',
  'America/St_Johns': '709 879',
};

// Countries with more than one local clock: one representative zone per clock, west to east.
const MULTI_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
  US: `Pacific/Honolulu America/Adak America/Anchorage America/Los_Angeles America/Phoenix America/Denver
    America/Chicago America/New_York`,
  CA: `America/Vancouver America/Whitehorse America/Edmonton America/Regina America/Winnipeg America/Atikokan
    America/Toronto America/Blanc-Sablon America/Halifax America/St_Johns`,
  MX: 'America/Tijuana America/Mazatlan America/Ciudad_Juarez America/Mexico_City America/Matamoros America/Cancun',
  BR: 'America/Rio_Branco America/Manaus America/Sao_Paulo America/Noronha',
  CL: 'Pacific/Easter America/Santiago America/Punta_Arenas',
  EC: 'Pacific/Galapagos America/Guayaquil',
  GL: 'America/Thule America/Nuuk America/Danmarkshavn',
  PT: 'Atlantic/Azores Europe/Lisbon',
  ES: 'Atlantic/Canary Europe/Madrid',
  CD: 'Africa/Kinshasa Africa/Lubumbashi',
  UA: 'Europe/Kyiv Europe/Simferopol',
  RU: `Europe/Kaliningrad Europe/Moscow Europe/Samara Asia/Yekaterinburg Asia/Omsk Asia/Novosibirsk Asia/Irkutsk
    Asia/Yakutsk Asia/Vladivostok Asia/Magadan Asia/Kamchatka`,
  MN: 'Asia/Hovd Asia/Ulaanbaatar',
  CN: 'Asia/Urumqi Asia/Shanghai',
  ID: 'Asia/Jakarta Asia/Makassar Asia/Jayapura',
  AU: `Australia/Perth Australia/Eucla Australia/Darwin Australia/Adelaide Australia/Brisbane Australia/Sydney
    Australia/Lord_Howe`,
  PG: 'Pacific/Port_Moresby Pacific/Bougainville',
  FM: 'Pacific/Chuuk Pacific/Pohnpei',
  NZ: 'Pacific/Auckland Pacific/Chatham',
  KI: 'Pacific/Tarawa Pacific/Kanton Pacific/Kiritimati',
  PF: 'Pacific/Tahiti Pacific/Marquesas Pacific/Gambier',
};

// Every other phone region of libphonenumber-js, as REGION:Zone pairs (AC and TA share St Helena's clock, XK Serbia's).
const SINGLE_ZONE_COUNTRIES = `
AC:Atlantic/St_Helena AD:Europe/Andorra AE:Asia/Dubai AF:Asia/Kabul AG:America/Antigua AI:America/Anguilla
AL:Europe/Tirane AM:Asia/Yerevan AO:Africa/Luanda AR:America/Argentina/Buenos_Aires AS:Pacific/Pago_Pago
AT:Europe/Vienna AW:America/Aruba AX:Europe/Mariehamn AZ:Asia/Baku BA:Europe/Sarajevo BB:America/Barbados
BD:Asia/Dhaka BE:Europe/Brussels BF:Africa/Ouagadougou BG:Europe/Sofia BH:Asia/Bahrain BI:Africa/Bujumbura
BJ:Africa/Porto-Novo BL:America/St_Barthelemy BM:Atlantic/Bermuda BN:Asia/Brunei BO:America/La_Paz
BQ:America/Kralendijk BS:America/Nassau BT:Asia/Thimphu BW:Africa/Gaborone BY:Europe/Minsk BZ:America/Belize
CC:Indian/Cocos CF:Africa/Bangui CG:Africa/Brazzaville CH:Europe/Zurich CI:Africa/Abidjan CK:Pacific/Rarotonga
CM:Africa/Douala CO:America/Bogota CR:America/Costa_Rica CU:America/Havana CV:Atlantic/Cape_Verde
CW:America/Curacao CX:Indian/Christmas CY:Asia/Nicosia CZ:Europe/Prague DE:Europe/Berlin DJ:Africa/Djibouti
DK:Europe/Copenhagen DM:America/Dominica DO:America/Santo_Domingo DZ:Africa/Algiers EE:Europe/Tallinn
EG:Africa/Cairo EH:Africa/El_Aaiun ER:Africa/Asmara ET:Africa/Addis_Ababa FI:Europe/Helsinki FJ:Pacific/Fiji
FK:Atlantic/Stanley FO:Atlantic/Faroe FR:Europe/Paris GA:Africa/Libreville GB:Europe/London GD:America/Grenada
GE:Asia/Tbilisi GF:America/Cayenne GG:Europe/Guernsey GH:Africa/Accra GI:Europe/Gibraltar GM:Africa/Banjul
GN:Africa/Conakry GP:America/Guadeloupe GQ:Africa/Malabo GR:Europe/Athens GT:America/Guatemala GU:Pacific/Guam
GW:Africa/Bissau GY:America/Guyana HK:Asia/Hong_Kong HN:America/Tegucigalpa HR:Europe/Zagreb
HT:America/Port-au-Prince HU:Europe/Budapest IE:Europe/Dublin IL:Asia/Jerusalem IM:Europe/Isle_of_Man
IN:Asia/Kolkata IO:Indian/Chagos IQ:Asia/Baghdad IR:Asia/Tehran IS:Atlantic/Reykjavik IT:Europe/Rome
JE:Europe/Jersey JM:America/Jamaica JO:Asia/Amman JP:Asia/Tokyo KE:Africa/Nairobi KG:Asia/Bishkek
KH:Asia/Phnom_Penh KM:Indian/Comoro KN:America/St_Kitts KP:Asia/Pyongyang KR:Asia/Seoul KW:Asia/Kuwait
KY:America/Cayman KZ:Asia/Almaty LA:Asia/Vientiane LB:Asia/Beirut LC:America/St_Lucia LI:Europe/Vaduz
LK:Asia/Colombo LR:Africa/Monrovia LS:Africa/Maseru LT:Europe/Vilnius LU:Europe/Luxembourg LV:Europe/Riga
LY:Africa/Tripoli MA:Africa/Casablanca MC:Europe/Monaco MD:Europe/Chisinau ME:Europe/Podgorica
MF:America/Marigot MG:Indian/Antananarivo MH:Pacific/Majuro MK:Europe/Skopje ML:Africa/Bamako MM:Asia/Yangon
MO:Asia/Macau MP:Pacific/Saipan MQ:America/Martinique MR:Africa/Nouakchott MS:America/Montserrat MT:Europe/Malta
MU:Indian/Mauritius MV:Indian/Maldives MW:Africa/Blantyre MY:Asia/Kuala_Lumpur MZ:Africa/Maputo
NA:Africa/Windhoek NC:Pacific/Noumea NE:Africa/Niamey NF:Pacific/Norfolk NG:Africa/Lagos NI:America/Managua
NL:Europe/Amsterdam NO:Europe/Oslo NP:Asia/Kathmandu NR:Pacific/Nauru NU:Pacific/Niue OM:Asia/Muscat
PA:America/Panama PE:America/Lima PH:Asia/Manila PK:Asia/Karachi PL:Europe/Warsaw PM:America/Miquelon
PR:America/Puerto_Rico PS:Asia/Gaza PW:Pacific/Palau PY:America/Asuncion QA:Asia/Qatar RE:Indian/Reunion
RO:Europe/Bucharest RS:Europe/Belgrade RW:Africa/Kigali SA:Asia/Riyadh SB:Pacific/Guadalcanal SC:Indian/Mahe
SD:Africa/Khartoum SE:Europe/Stockholm SG:Asia/Singapore SH:Atlantic/St_Helena SI:Europe/Ljubljana
SJ:Arctic/Longyearbyen SK:Europe/Bratislava SL:Africa/Freetown SM:Europe/San_Marino SN:Africa/Dakar
SO:Africa/Mogadishu SR:America/Paramaribo SS:Africa/Juba ST:Africa/Sao_Tome SV:America/El_Salvador
SX:America/Lower_Princes SY:Asia/Damascus SZ:Africa/Mbabane TA:Atlantic/St_Helena TC:America/Grand_Turk
TD:Africa/Ndjamena TG:Africa/Lome TH:Asia/Bangkok TJ:Asia/Dushanbe TK:Pacific/Fakaofo TL:Asia/Dili
TM:Asia/Ashgabat TN:Africa/Tunis TO:Pacific/Tongatapu TR:Europe/Istanbul TT:America/Port_of_Spain
TV:Pacific/Funafuti TW:Asia/Taipei TZ:Africa/Dar_es_Salaam UG:Africa/Kampala UY:America/Montevideo
UZ:Asia/Tashkent VA:Europe/Vatican VC:America/St_Vincent VE:America/Caracas VG:America/Tortola
VI:America/St_Thomas VN:Asia/Ho_Chi_Minh VU:Pacific/Efate WF:Pacific/Wallis WS:Pacific/Apia XK:Europe/Belgrade
YE:Asia/Aden YT:Indian/Mayotte ZA:Africa/Johannesburg ZM:Africa/Lusaka ZW:Africa/Harare
`;

/** wordList splits a space-separated table cell into its words. */
function wordList(cell: string): string[] {
  return cell.split(/\s+/).filter(Boolean);
}

/** keysByWord inverts a "key: words" table into a map from each word to every key that lists it. */
function keysByWord(table: Readonly<Record<string, string>>): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, string[]>();
  for (const [key, cell] of Object.entries(table)) {
    for (const word of wordList(cell)) index.set(word, [...(index.get(word) ?? []), key]);
  }
  return index;
}

const ZONES_BY_AREA_CODE = keysByWord(NANP_AREA_CODE_ZONES);
const ZONES_BY_MULTI_ZONE_COUNTRY = new Map(
  Object.entries(MULTI_ZONE_COUNTRIES).map(([c, cell]) => [c, wordList(cell)]),
);
const ZONE_BY_COUNTRY = new Map(wordList(SINGLE_ZONE_COUNTRIES).map((pair) => pair.split(':') as [string, string]));
// Other NANP regions (PR, JM, ...) have one clock each, so only the two big ones need the area code.
const REGIONS_ZONED_BY_AREA_CODE = new Set(['US', 'CA']);

/** timeZonesForRegion lists the zones a number may be in: by area code for US/CA, else every clock of its region. */
export function timeZonesForRegion(region: string | undefined, nationalNumber: string): string[] {
  if (region === undefined) return [];
  const byAreaCode = REGIONS_ZONED_BY_AREA_CODE.has(region)
    ? ZONES_BY_AREA_CODE.get(nationalNumber.slice(0, 3))
    : undefined;
  const zones = byAreaCode ?? ZONES_BY_MULTI_ZONE_COUNTRY.get(region);
  if (zones) return [...zones];
  const single = ZONE_BY_COUNTRY.get(region);
  return single ? [single] : [];
}
