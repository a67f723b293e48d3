"""Phrase pools for the fictional demo park (read by ``make_demo_park.py``).

Everything here is invented demo data. ``SEGMENTS`` is a small line-based format, one
statement per line:

``## <segment id> | <words for company names> | <English name word>``
    starts a segment (the name words are used to invent company names);
``# <concept key> | <product name> [| <who may need it: segment ids or chain ids>]``
    starts a concept: one thing that organisations of this segment offer; the "who" list
    may continue on following ``> <ids>`` lines;
``+ <text>``  one way of wording the offer (Chinese, English or mixed);
``- <text>``  one way a customer words the need for it, deliberately phrased differently;
``- [<segment ids>] <text>`` a wording only for customers in those segments (they then
    get only such wordings).

A need for a concept is only ever given to organisations in segments that the concept's
segment supplies (taxonomy edges), optionally narrowed by the concept's "who" list.
"""

from __future__ import annotations

SEGMENTS = """
## ic.eda | 芯软科技 集成电路设计软件 电子设计自动化 | Design Automation
# eda-digital | 数字前端EDA工具
+ 提供国产数字前端EDA工具，覆盖RTL仿真、逻辑综合与静态时序分析
+ 自主可控的数字芯片综合与时序签核软件，支持28nm及以下工艺
+ Digital front-end EDA suite: RTL simulation, logic synthesis and static timing analysis
- 寻找可替代进口软件的芯片验证与签核工具链
- 希望引入国产化的逻辑仿真和时序收敛软件，降低授权费用
- Looking for a domestic alternative to our current simulator and timing sign-off tools
# eda-analog | 模拟与定制版图设计平台 | ic.design ic.power-devices ic.sensors
+ 模拟及混合信号电路设计平台，含原理图、版图编辑与SPICE仿真
+ 提供全定制版图设计与寄生参数提取工具，支持BCD和SOI工艺
+ Analog/mixed-signal custom design platform with fast SPICE and layout editing
- 需要高精度的晶体管级仿真软件，用于电源管理芯片设计
- 采购全定制版图绘制和后仿真软件授权
- Need a fast circuit simulator and layout editor for power IC development
# ip-cores | 接口与处理器IP核 | ic.design
+ 授权高速接口IP：PCIe 4.0、USB 3.2、MIPI及LPDDR4控制器与PHY
+ 提供RISC-V处理器内核IP及配套编译调试工具链
+ Silicon-proven SerDes and DDR PHY IP licensing on 28nm/40nm nodes
- 寻找经过流片验证的高速串行接口IP授权
- 采购可商用的开源指令集CPU内核，用于MCU产品
- Looking to license a proven LPDDR4 memory interface for our SoC
# pdk-model | 器件建模与PDK服务
+ 提供器件建模、SPICE模型提取与PDK开发验证服务
+ 功率器件TCAD工艺与器件仿真服务
+ Device characterization, compact model extraction and PDK development
- 需要为自研碳化硅MOSFET建立可用于电路仿真的模型
- 寻找能做半导体工艺器件仿真的团队，协助优化沟槽栅结构
- Need simulation models of our MEMS devices for system-level design
# eda-dfm | 良率与可制造性分析软件 | ic.design ic.power-devices
+ 良率分析与可制造性设计(DFM)软件，支持缺陷数据挖掘
+ Yield analytics and DFM software for fabless and IDM teams
- 量产良率偏低，需要数据分析工具定位工艺和设计问题
- Need software to find out why our production yield is low

## ic.materials | 半导体材料 电子材料 晶圆材料 | Semiconductor Materials
# si-wafer | 硅片与外延片 | ic.fab ic.power-devices ic.sensors
+ 12英寸/8英寸抛光硅片及外延片，满足逻辑与功率器件需求
+ 供应8英寸重掺衬底和外延硅片，电阻率可定制
+ 300mm prime and epitaxial silicon wafers for logic and power processes
- 寻找8寸硅衬底的稳定货源，要求电阻率均匀性好
- 采购大尺寸单晶抛光片，用于65nm逻辑工艺
- Need a second source for 200mm epi wafers for our power line
# photoresist | 光刻胶及配套试剂 | ic.fab ic.sensors ic.power-devices
+ 供应KrF、i-line光刻胶及配套显影液、剥离液
+ ArF光刻胶国产化产品，已通过多家产线验证
+ i-line and KrF photoresists with matching developers and strippers
- 寻找可替代日系产品的248nm感光材料
- 需要厚膜负性光敏胶，用于MEMS深槽刻蚀掩膜
- Looking for a qualified deep-UV resist for a 90nm litho layer
# targets | 溅射靶材 | ic.fab ic.power-devices
+ 高纯铝、铜、钛、钽溅射靶材，纯度5N以上
+ 提供半导体用钨靶、钴靶及靶材绑定与回收服务
+ High-purity sputtering targets (Al, Cu, Ti, Ta) for PVD metallization
- 采购PVD金属化工序所需的高纯铜、钽源材料
- 寻找镀膜用钛靶供应商，要求颗粒控制达到先进制程标准
- Need ultra-pure copper and tantalum sources for back-end metallization
# cmp | CMP抛光液与抛光垫 | ic.fab
+ CMP抛光液及抛光垫，覆盖铜、钨、氧化物研磨工艺
+ 化学机械抛光浆料国产替代，缺陷率低
+ CMP slurries and pads for Cu, W and oxide planarization
- 寻找化学机械平坦化用的研磨液，需支持钨栓塞工艺
- 需要晶圆表面平坦化耗材的本地供应商
- Looking for a local source of polishing slurry and pads
# pkg-substrate | 封装基板、引线框架与键合丝 | ic.packaging ic.power-devices ic.sensors
+ 供应FC-BGA、WB-CSP封装基板及蚀刻引线框架
+ 键合金线、铜线及合金线，线径15–50μm
+ IC substrates and lead frames; gold and copper bonding wire
- 采购QFN引线框架和铜键合丝，月用量稳定
- 寻找国产倒装芯片载板厂商
- Need bonding wire and leadframe supply for SOP/QFN lines

## ic.equipment | 半导体装备 精密设备 微电子装备 | Semiconductor Equipment
# etch-depo | 刻蚀与薄膜沉积设备 | ic.fab ic.sensors ic.power-devices svc.rnd
+ 等离子刻蚀机与PECVD/ALD薄膜沉积设备，支持8/12英寸
+ 提供介质刻蚀、硅刻蚀设备及工艺调试服务
+ Plasma etch and ALD/PECVD deposition tools for 200/300mm lines
- 产线扩产需新增干法刻蚀机台与化学气相淀积设备
- 寻找深硅刻蚀设备，用于MEMS腔体加工
- Need additional dry-etch and CVD tools for our fab expansion
- [svc.rnd] 中试平台需要采购刻蚀与薄膜沉积机台
# test-equipment | 测试设备与探针台
+ 半导体参数测试仪、探针台及功率器件动静态测试系统
+ 提供SoC/模拟芯片自动测试机(ATE)及测试程序开发
+ Wafer probers, ATE testers and power-device dynamic test systems
- 需要能测双脉冲和动态参数的IGBT/SiC测试平台
- 采购晶圆级针测设备和测试机
- Looking for automatic test equipment for mixed-signal chips
# packaging-equipment | 封装设备 | ic.packaging ic.power-devices ic.sensors
+ 全自动固晶机、引线键合机及塑封设备
+ 晶圆划片机、研磨减薄设备，支持超薄晶圆加工
+ Die bonders, wire bonders, dicing saws and molding presses
- 封装线扩产，需要焊线机和装片机
- 寻找晶圆切割与背面减薄设备供应商
- Need dicing and back-grinding machines for thin wafers
# parts | 设备零部件与翻新维保 | ic.fab ic.packaging ic.power-devices ic.sensors svc.rnd
+ 真空干泵、射频电源、静电卡盘等关键零部件国产替代
+ 提供二手半导体设备翻新、搬迁与维保服务
+ Refurbishment, relocation and maintenance of used semiconductor tools
- 寻找干泵和射频发生器的备件及维修服务
- 拟购置翻新的二手光刻机和清洗机
- Need spare parts and field service for legacy 8-inch tools
- [svc.rnd] 中试平台的老旧机台需要备件和维修保养

## ic.design | 微电子 芯片科技 集成电路 半导体设计 | Microelectronics
# mcu | 32位MCU | ic.pcb ic.distribution nev.electronics nev.motor iot.devices iot.modules
+ 32位通用MCU芯片，基于ARM Cortex-M与RISC-V内核
+ 车规级MCU，通过AEC-Q100 Grade 1认证，用于车身与电机控制
+ 32-bit microcontrollers, AEC-Q100 qualified for body and motor control
- [nev.electronics nev.motor] 寻找可替代进口的车规级微控制器，用于车身域控制
- [iot.devices iot.modules] 需要低功耗单片机，用于智能门锁和传感终端
- Looking for a pin-compatible domestic microcontroller to replace imported Cortex-M parts
- 寻找国产32位单片机的稳定货源
# pmic | 电源管理与驱动芯片
> ic.pcb ic.distribution nev.electronics nev.motor pv.inverter iot.devices
+ 电源管理芯片：DC-DC、LDO及锂电充电管理IC
+ 高压隔离栅极驱动芯片，适配IGBT与SiC器件
+ Power management ICs: buck/boost converters, LDOs and battery chargers
- 采购降压转换器和线性稳压器，用于主板供电
- 需要隔离型门极驱动IC来驱动碳化硅开关管
- [nev.motor nev.electronics] Need isolated gate drivers for our traction inverter
# bms-afe | 电池管理芯片 | nev.battery-pack ic.distribution
+ 多节电池采样AFE芯片与电量计芯片，用于BMS
+ 车规级电池监测芯片，支持菊花链通信
+ Battery monitor AFE ICs for 12–16 series cells, ISO 26262 ASIL-D ready
- 寻找电芯电压采集前端芯片，用于储能和动力电池管理系统
- 需要国产化的电池监控IC，替代进口方案
- Looking for cell-monitoring front-end chips for our BMS
# wireless-soc | 无线通信SoC | iot.modules iot.devices ic.distribution
+ 低功耗蓝牙BLE 5.3 SoC与Wi-Fi 6芯片
+ NB-IoT/Cat.1蜂窝基带芯片，支持OpenCPU二次开发
+ Low-power BLE and Wi-Fi 6 SoCs for IoT devices
- [iot.devices] 需要超低功耗的短距离无线芯片，做可穿戴设备
- [iot.modules] 寻找蜂窝物联网基带芯片方案，用于模组开发
- [iot.devices] Looking for a Bluetooth LE chip with long battery life for wearables
- 采购低功耗无线连接芯片现货
# vision-soc | AI视觉SoC | iot.sensing iot.devices
+ 边缘AI视觉处理芯片，内置NPU，算力4TOPS
+ 图像信号处理ISP芯片与智能摄像头主控SoC
+ Edge AI vision SoC with built-in NPU for smart cameras
- 寻找带神经网络加速单元的摄像头主控芯片
- Need an embedded AI processor for on-device video analytics
# asic | ASIC定制设计服务 | iot.devices iot.modules nev.electronics
+ ASIC定制设计服务，从规格定义到流片量产一站式交付
+ 提供数字后端设计与芯片验证外包服务
+ Turnkey ASIC design services from spec to mass production
- 需要把现有FPGA方案转成专用芯片以降低成本
- Looking for a design house to tape out a custom chip for us
# design-tapeout | 芯片流片订单 | ic.fab
+ 每年稳定流片需求，寻求晶圆厂长期产能合作
+ Steady annual tape-out volume; open to long-term foundry partnerships
- 晶圆厂寻找稳定的设计公司客户，填充8英寸特色工艺产能
- Foundry looking for fabless customers to fill specialty process capacity

## ic.fab | 晶圆制造 集成电路制造 半导体制造 | Semiconductor Manufacturing
# foundry-logic | 特色工艺晶圆代工 | ic.design
+ 8英寸/12英寸晶圆代工，提供55nm–180nm特色工艺
+ BCD、高压CMOS工艺代工，适合电源管理和驱动芯片
+ Specialty foundry services: 0.18µm BCD and high-voltage CMOS
- 寻找55nm工艺的流片产能，用于物联网SoC量产
- 需要模拟电源类芯片的流片厂，要求BCD工艺
- Looking for wafer capacity for a power-management IC on a BCD process
# mpw | MPW多项目晶圆 | ic.design ic.sensors
+ MPW多项目晶圆服务，每季度定期开班
+ 提供小批量工程流片与快速打样
+ Multi-project wafer (MPW) shuttles every quarter for prototypes
- 初创团队需要低成本的拼片流片机会来验证原型
- 寻找可以做少量工程批的晶圆厂
- Need a low-cost shuttle run to validate our first tape-out
# mems-foundry | MEMS代工 | ic.sensors
+ MEMS工艺代工，含深硅刻蚀、晶圆键合与释放工艺
+ 提供压力传感器、麦克风等MEMS器件的晶圆级加工
+ MEMS foundry services: DRIE, wafer bonding and release processes
- 寻找微机电结构的晶圆加工厂
- Need a fab for micro-machined pressure sensor wafers
# power-foundry | 功率器件代工 | ic.power-devices
+ 功率器件代工：沟槽MOSFET、场截止IGBT工艺平台
+ 提供6英寸碳化硅晶圆流片，含高温离子注入与退火
+ Power-device foundry: trench MOSFET, FS-IGBT and 6-inch SiC process lines
- 寻找可以加工沟槽栅场截止型IGBT的代工厂
- 需要宽禁带器件流片线，用于我们的1200V产品
- Looking for a foundry that runs silicon-carbide MOSFET processes
# bumping | 凸块与晶圆级中道加工 | ic.packaging ic.design
+ 晶圆凸块(Bumping)与再布线RDL中道加工
+ Wafer bumping and redistribution-layer (RDL) mid-end processing
- 倒装封装前需要在晶圆上做焊球凸点
- Need solder bumps on wafers before flip-chip assembly

## ic.packaging | 封测 封装测试 微电子封装 | Packaging & Test
# std-pkg | 引线键合封装 | ic.design ic.sensors ic.power-devices
+ QFN、SOP、DFN等封装加工，月产能3亿颗
+ 提供引线键合类封装代工，含打线、塑封与电镀
+ Wire-bond packaging: QFN, SOP, DFN and TSSOP in high volume
- 需要小型化无引脚封装加工，月需求约5000万颗
- 寻找可靠的打线封装厂承接量产订单
- Looking for an OSAT for QFN assembly with short lead times
# adv-pkg | 先进封装 | ic.design ic.sensors
+ 晶圆级封装、Fan-out与倒装焊Flip-chip封装
+ 提供SiP系统级封装与2.5D异构集成方案
+ Advanced packaging: WLCSP, fan-out, flip-chip and SiP
- 寻找能做扇出型晶圆级封装的合作方
- 需要把射频前端和基带芯片合封成一个模块
- Need a partner for chip-scale packaging of our sensor die
# chip-test | 芯片CP/FT测试 | ic.design ic.power-devices ic.sensors
+ 晶圆CP测试与成品FT测试服务，支持车规三温测试
+ 提供测试程序开发、老化筛选与测试分选
+ Wafer sort, final test and burn-in services including tri-temp automotive test
- 需要外包芯片量产测试，包括高低温筛选
- 寻找晶圆针测及成品测试产能
- Looking for outsourced CP/FT test with burn-in capability
# power-module-pkg | 功率模块封装 | ic.power-devices
+ 功率模块封装代工：银烧结、铜线键合与灌胶
+ IGBT/SiC模块封装，支持HPD、TPAK等车规封装形式
+ Power module assembly with silver sintering and copper clip bonding
- 寻找能做碳化硅功率模块组装的封装厂
- 需要银烧结工艺的模块封装线合作
- Need an assembly house for our SiC half-bridge modules

## ic.power-devices | 功率半导体 电力电子 半导体 | Power Semiconductor
# sic-mosfet | 碳化硅MOSFET
> nev.motor nev.charging pv.inverter pv.storage ic.distribution ic.pcb
+ 1200V/650V碳化硅MOSFET芯片及单管
+ 车规级SiC功率模块，通过AEC-Q101认证
+ SiC power modules for traction inverters, AEC-Q101 qualified
- [nev.motor] 寻找碳化硅MOSFET功率器件供应商，用于800V电驱
- [pv.inverter pv.storage nev.charging] 需要宽禁带功率开关器件来提升逆变器效率
- [nev.motor] Looking for 1200V silicon-carbide switches for an 800V e-axle
- [ic.distribution ic.pcb] 寻找宽禁带功率器件的稳定货源
# igbt | IGBT模块 | nev.motor pv.inverter pv.storage nev.charging ic.distribution
+ IGBT模块与单管，650V–1700V全系列
+ 光伏与储能用IGBT功率模块，支持定制封装
+ IGBT modules 650–1700 V for inverters and drives
- [pv.inverter] 采购绝缘栅双极型晶体管模块，用于组串式逆变器
- [pv.storage pv.inverter] 需要大电流功率半导体模块，做储能变流器
- Need high-current switching modules for our PCS
- [nev.motor nev.charging ic.distribution] 电控需要大电流绝缘栅双极型晶体管模块
# mosfet-lv | 中低压MOSFET | ic.pcb ic.distribution nev.motor pv.storage
+ 中低压沟槽MOSFET与SGT MOSFET，30V–200V
+ 提供低内阻功率场效应管，适用于BMS和电机控制
+ Low-voltage trench/SGT MOSFETs for BMS, motor control and power supplies
- [pv.storage ic.pcb ic.distribution] 寻找低导通电阻的开关管，用于电池保护板
- [nev.motor ic.pcb] 需要100V左右的场效应晶体管，做电动工具电机控制
- Need low-Rds(on) transistors for battery protection boards
# gan | 氮化镓功率器件 | nev.charging ic.distribution ic.pcb
+ 650V氮化镓功率器件，适用于快充与数据中心电源
+ GaN HEMT晶体管及合封驱动方案
+ 650V GaN HEMTs for fast chargers and server power supplies
- [nev.charging] 寻找高频开关器件以缩小充电模块体积
- [ic.pcb ic.distribution] 需要氮化镓功率管来做65W快充
- Looking for gallium-nitride transistors for compact charger designs

## ic.sensors | 传感 传感技术 微机电 感知科技 | Sensing
# mems-pressure | MEMS压力传感器
> nev.thermal nev.electronics bio.devices iot.sensing ic.distribution
+ MEMS压力传感器芯片与模组，量程1kPa–60MPa
+ 车规级压力传感器，用于热管理与制动系统
+ MEMS pressure sensors for automotive thermal and brake systems
- [nev.thermal nev.electronics] 寻找空调冷媒回路用的压力检测元件
- [bio.devices] 需要医用级微压传感器，用于呼吸机
- [nev.thermal] Need pressure sensing elements for refrigerant loops
- 寻找小量程气压检测芯片
# imu | 惯性传感器 | iot.devices nev.electronics iot.sensing
+ 六轴IMU惯性测量单元与加速度计、陀螺仪
+ 高精度MEMS陀螺仪，零偏稳定性优于1°/h
+ 6-axis IMUs, accelerometers and gyroscopes
- 需要姿态检测芯片，用于智能穿戴和机器人
- 寻找组合导航用的角速度与加速度测量器件
- Looking for motion sensors for wearables and robots
# env-sensor | 温湿度与气体传感器 | iot.devices iot.sensing ic.distribution
+ 数字温湿度传感器与气体传感器（CO2、VOC）
+ 低功耗环境传感器芯片，I2C接口
+ Digital temperature/humidity and gas (CO2, VOC) sensors
- [iot.sensing] 需要测量环境冷热干湿的小型元件，用于冷链记录仪
- [iot.devices] 寻找二氧化碳浓度检测器件做新风系统
- [iot.devices] Need air-quality sensing components for smart home devices
- 采购环境监测用的温湿度检测芯片
# image-sensor | CMOS图像传感器 | iot.sensing nev.electronics iot.devices
+ CMOS图像传感器，200万–800万像素，支持星光级夜视
+ 车载CIS芯片，支持HDR与LED闪烁抑制
+ CMOS image sensors 2–8 MP with excellent low-light performance
- 寻找摄像头感光芯片，要求夜间成像效果好
- [nev.electronics] 需要车载摄像头用的高动态范围成像芯片
- [nev.electronics] Looking for automotive-grade camera sensors with HDR
# current-sensor | 电流传感器 | pv.inverter nev.battery-pack nev.electronics
+ 霍尔电流传感器与磁阻电流检测芯片
+ Hall-effect and TMR current sensors for EV and PV
- [pv.inverter] 需要检测大电流的隔离测量元件，用于逆变器
- [nev.battery-pack nev.electronics] Need isolated current sensing for battery pack monitoring

## ic.pcb | 电路 电子 线路板 电子制造 | Electronics
# pcb-hdi | 多层板与HDI
> iot.devices iot.edge iot.modules bio.devices pv.inverter nev.electronics
+ 4–20层PCB及HDI板快速打样与批量生产
+ 高频高速PCB，支持PTFE高频板材与阻抗控制
+ Multilayer and HDI PCBs, quick-turn prototypes to volume
- 需要多层印制电路板打样，要求48小时交付
- 寻找做高速信号板的线路板厂，要求阻抗控制±7%
- Looking for a quick-turn circuit board fabricator
# pcba | SMT贴片与PCBA
> iot.devices iot.edge iot.modules bio.devices pv.inverter nev.electronics
+ SMT贴片与PCBA加工，支持01005与BGA
+ 电子制造服务EMS：贴片、插件、三防涂覆与整机组装
+ PCBA and EMS: SMT, THT, conformal coating and box build
- 寻找电路板贴片代工厂，小批量多品种
- 需要整机组装外包，含贴片、测试和包装
- Need an EMS partner for board assembly and box build
# fpc | 柔性线路板 | iot.devices nev.battery-pack bio.devices
+ 柔性线路板FPC与软硬结合板
+ 提供FPC设计与贴装一站式服务，含电池CCS采集组件
+ Flexible and rigid-flex circuits with assembly
- [iot.devices bio.devices] 寻找可弯折的软板供应商，用于可穿戴设备
- [nev.battery-pack] 需要电池包采样用的柔性电路，替代传统线束
- [iot.devices bio.devices] Need flexible printed circuits for wearables
# auto-pcb | 厚铜与金属基板 | nev.electronics pv.inverter iot.edge
+ 车规级PCB，厚铜板与金属基板，IATF 16949体系
+ 大电流厚铜电路板及铝基板
+ Automotive-grade PCBs: heavy copper and metal-core boards
- 采购能承载大电流的线路板，用于电控和充电桩
- [nev.electronics] 需要导热好的金属基线路板做LED车灯
- Need heavy-copper boards for inverter power stages

## ic.distribution | 电子 元器件 供应链 | Components
# dist-bom | 元器件分销与BOM配单 | ic.pcb iot.devices nev.electronics
+ 授权代理主流品牌IC、被动器件与连接器
+ 电子元器件现货供应与BOM配单服务
+ Authorized distribution of ICs, passives and connectors; BOM kitting
- 需要一站式电子料配齐服务，一次性采购整单物料
- 寻找电子料现货渠道，解决缺料停线问题
- Looking for a one-stop sourcing partner for our bill of materials
# dist-fae | 国产替代选型与FAE支持 | ic.pcb iot.devices nev.electronics
+ 提供FAE技术支持与参考设计方案
+ 国产替代选型服务，提供Pin-to-Pin替代料
+ Cross-reference and pin-to-pin domestic replacement service
- 需要有人帮我们找进口芯片的国产平替型号
- 希望获得应用工程师支持，加快新品方案开发
- Need help finding drop-in domestic replacements for imported parts
# dist-vmi | 备货与账期支持 | ic.pcb iot.devices nev.electronics
+ 提供VMI库存管理、安全备货与账期支持
+ 元器件来料检测与防伪鉴定服务
+ VMI, buffer stock and payment-term support for component supply
- 希望供应商帮忙备货，减少我们的库存资金占用
- 需要对来料芯片做真伪鉴别
- Need vendor-managed inventory for electronic parts
# dist-passive | 被动元件 | ic.pcb iot.devices nev.electronics
+ MLCC、电感、电阻等被动元件代理，车规料齐全
+ Automotive-grade MLCCs, inductors and resistors in stock
- 寻找陶瓷电容和功率电感货源，要求车规
- Need automotive-grade passives with stable lead times
## pv.polysilicon | 硅业 硅材料 光伏材料 | Silicon
# poly-n | N型多晶硅料 | pv.wafer
+ 太阳能级多晶硅料，N型致密料占比90%以上
+ 颗粒硅产品，适合连续加料拉晶，碳足迹低
+ N-type dense polysilicon and granular silicon for CZ pulling
- 采购高品质硅原料，满足N型拉棒需求
- 需要长期稳定供应的太阳能级硅原料，可签长协
- Looking for a long-term supply agreement for solar-grade feedstock
# poly-recycle | 硅料回收与清洗 | pv.wafer
+ 回收硅料、埚底料清洗与再利用服务
+ Recycled silicon and pot-scrap cleaning services
- 寻找能处理头尾料和边皮料的回收商
- Need a processor for off-cut ingot scrap
# chlorosilane | 三氯氢硅与副产品
+ 供应电子级三氯氢硅与四氯化硅
+ 多晶硅副产品气相白炭黑综合利用
+ Trichlorosilane and silicon tetrachloride supply
# poly-contract | 硅料长单与锁价
+ 年产能10万吨多晶硅，可签订长单与锁价协议
+ Long-term polysilicon offtake contracts with price-lock options

## pv.wafer | 硅片 晶硅 光伏科技 | Solar Wafer
# wafer-n | N型单晶硅片 | pv.cell
+ N型单晶硅片，182/210尺寸，厚度130μm
+ 矩形硅片210R，少子寿命高、氧含量低
+ N-type monocrystalline wafers, 182/210 mm, 130 µm thick
- 需要高少子寿命的N型片，用于TOPCon电池量产
- 采购大尺寸矩形片，支持异质结产线
- Looking for low-oxygen n-type wafers for HJT cells
# ingot-tolling | 拉晶与切片代工 | pv.cell
+ 单晶拉棒与金刚线切片代工服务
+ 提供硅棒来料加工切片，损耗率低
+ Contract ingot pulling and diamond-wire slicing
- 寻找切片代工厂，把我们的硅棒加工成薄片
- Need tolling capacity to slice our ingots
# wafer-thin | 超薄硅片 | pv.cell
+ 110μm超薄硅片小批量供应，翘曲度控制好
+ Ultra-thin 110 µm wafers with low bow for HJT
- 需要更薄的硅片以降低单瓦硅耗
- Looking for thinner wafers to cut silicon cost per watt
# wafer-sorting | 硅片分选检测 | pv.cell
+ 硅片分选与隐裂、电阻率在线检测服务
+ Wafer sorting and inline inspection (cracks, resistivity, TTV)
- 需要对来料硅片做质量筛查

## pv.aux-materials | 光伏材料 新能源材料 光电材料 | PV Materials
# silver-paste | 光伏银浆 | pv.cell
+ 光伏正面银浆与背面银铝浆
+ 低温银浆，适用于异质结电池
+ Front-side silver paste and low-temperature paste for HJT
- 寻找降银方案的导电浆料，用于TOPCon金属化
- 需要固化温度低的导电浆料
- Need metallization paste with lower silver content
# film | EVA/POE封装胶膜 | pv.module
+ EVA、POE及EPE共挤封装胶膜
+ 抗PID光伏胶膜，适用于双玻组件
+ EVA/POE/EPE encapsulant films, anti-PID
- 采购组件封装用胶膜，要求抗电势诱导衰减
- 需要双玻组件层压用的聚烯烃薄膜
- Looking for encapsulant suitable for glass-glass modules
# glass | 光伏玻璃 | pv.module
+ 2.0mm/3.2mm光伏压延玻璃，镀增透膜
+ 双玻组件背板玻璃，透光率≥93.5%
+ 2.0 mm AR-coated solar glass for bifacial modules
- 需要高透光的压花盖板玻璃
- 寻找双面组件用的薄玻璃货源
- Need thin tempered cover glass for bifacial panels
# frame-box | 边框与接线盒 | pv.module
+ 铝合金边框与接线盒、连接器
+ Aluminium frames, junction boxes and MC4-type connectors
- 采购组件铝框和分体式接线盒
- Need frames and junction boxes for 210 modules
# backsheet | 光伏背板 | pv.module
+ 光伏背板（KPK/KPF/CPC结构）
+ Backsheets for monofacial modules
- 需要耐候性好的组件背面保护材料

## pv.cell | 光能 光电 太阳能 光伏科技 | Solar
# topcon | TOPCon电池片 | pv.module
+ N型TOPCon电池片，量产效率26%以上
+ 双面率85%的隧穿氧化钝化接触电池
+ n-type TOPCon cells, 26%+ efficiency, bifaciality 85%
- 采购高效N型电池片，用于双面组件
- 需要稳定供应的隧穿氧化层钝化电池
- Need high-efficiency n-type cells for bifacial modules
# hjt | 异质结电池片 | pv.module
+ 异质结HJT电池片，低温工艺，温度系数低
+ HJT cells with a low temperature coefficient
- 寻找非晶硅/晶体硅异质结电池货源
- Looking for heterojunction cells for premium rooftop panels
# cell-oem | 电池片代工 | pv.module
+ 提供电池片代工(OEM)与工艺导入服务
+ Contract cell manufacturing and process transfer
- 寻找可以来料加工的电池片工厂
- Need contract manufacturing capacity for cells
# bc | 背接触BC电池 | pv.module
+ 背接触BC电池，正面无栅线，适合高端屋顶
+ Back-contact (BC) cells with no front busbars
- 需要正面无遮挡的背接触电池片
- Need all-back-contact cells for aesthetic rooftop modules

## pv.module | 光伏 光能 新能源 太阳能科技 | Solar Energy
# module-n | N型双面组件 | pv.epc
+ N型TOPCon双面双玻组件，功率580–720W
+ 大功率光伏组件，30年线性功率质保
+ Bifacial n-type TOPCon modules 580–720 W with a 30-year warranty
- 地面电站项目采购高功率双面光伏板，约50MW
- 需要长质保的太阳能板，用于工商业屋顶
- Sourcing bifacial solar panels for a 50 MW ground-mounted project
# module-light | 轻质柔性组件 | pv.epc
+ 轻质柔性光伏组件，适用于彩钢瓦屋顶
+ Lightweight flexible modules for low-load roofs
- 厂房屋顶承重有限，需要重量轻的太阳能板
- Need low-weight panels for roofs with limited load capacity
# bipv | 光伏建筑一体化 | pv.epc
+ 光伏建筑一体化BIPV构件与光伏幕墙
+ BIPV curtain walls and solar roof tiles
- 寻找能与建筑外立面结合的发电玻璃
- Looking for building-integrated solar facade products
# module-oem | 组件代工与定制 | pv.epc
+ 组件OEM代工与定制尺寸组件
+ Contract module assembly and custom-size panels
- 需要特殊尺寸的光伏板用于车棚和农光项目
# module-spare | 组件备件与更换 | pv.om
+ 提供组件备件及老旧电站组件更换
+ Replacement modules for aging plants
- 寻找老电站替换用的光伏板备品

## pv.inverter | 电气 电力电子 能源科技 | Power Electronics
# string-inv | 组串式并网逆变器 | pv.epc
+ 组串式逆变器3–350kW，最大效率99%
+ 户用及工商业光伏并网逆变器
+ String inverters 3–350 kW, max efficiency 99%
- 工商业屋顶项目需要并网变流设备，约2MW
- 采购把直流电转换为交流电的并网设备
- Need grid-tied inverters for a 2 MW C&I rooftop
# pcs | 储能变流器PCS | pv.storage pv.epc
+ 储能变流器PCS，支持并离网切换
+ 双向储能变流器及能量管理系统
+ Bidirectional PCS for battery storage with on/off-grid switching
- 寻找双向变流设备，用于工商业储能柜
- 需要支持离网运行的储能逆变装置
- Looking for power conversion systems for C&I storage
# mlpe | 优化器与快速关断 | pv.epc
+ 组件级优化器与快速关断装置
+ MLPE: module-level optimizers and rapid shutdown
- 屋顶项目需满足消防要求，需要组件级断电设备
- Need rapid-shutdown devices to meet rooftop fire code
# inverter-service | 逆变器维修与备件 | pv.om
+ 逆变器维修、备件供应与升级改造
+ Inverter repair, spare parts and retrofits
- 寻找逆变器故障维修和备品备件服务
- Need repair service for failed inverters out of warranty

## pv.bos | 新能源装备 能源设备 电气 | Energy Equipment
# tracker | 跟踪支架 | pv.epc
+ 平单轴跟踪支架，发电增益10%–15%
+ Single-axis trackers with 10–15% yield gain
- 大型地面电站需要能随太阳转动的支架系统
- Need solar trackers for a utility-scale project
# fixed-mount | 固定支架与屋顶导轨 | pv.epc
+ 锌铝镁固定支架与屋顶导轨系统
+ Fixed-tilt mounting and rooftop rail systems
- 彩钢瓦屋顶安装需要夹具和导轨
- Need racking for metal-roof installations
# cable-box | 汇流箱、电缆与箱变 | pv.epc
+ 光伏直流电缆、汇流箱与箱式变电站
+ DC cables, combiner boxes and compact substations
- 采购直流线缆和汇流设备
- Need combiner boxes and PV cables
# container | 储能舱体与消防温控 | pv.storage
+ 储能集装箱箱体、消防与温控系统集成
+ Storage container enclosures with fire suppression and HVAC
- 需要储能电池舱的柜体及消防配套
- Need enclosures and fire protection for battery containers

## pv.storage | 储能 储能科技 新能源 | Energy Storage
# ci-storage | 工商业储能一体柜 | pv.epc nev.battery-cell ic.fab
+ 215kWh工商业储能一体柜，峰谷套利
+ 液冷工商业储能柜，支持需量管理与备电
+ C&I battery storage cabinets (215 kWh) for peak shaving
- 工厂用电峰谷差大，想配置储能降低电费
- 需要削峰填谷的电池储能设备
- Looking for behind-the-meter storage to cut demand charges
# grid-storage | 大型储能集装箱 | pv.epc
+ 5MWh液冷储能集装箱，支持电网调频
+ 5 MWh liquid-cooled containerized BESS
- 新能源配储项目需要大容量电池舱，约100MWh
- Need utility-scale battery containers for a PV-plus-storage project
# ems | 储能能量管理系统 | pv.epc
+ 储能EMS能量管理系统与云端运维
+ Energy management system (EMS) for storage plants
- 需要储能电站的调度控制软件
# ess-charging | 光储充一体化 | nev.charging
+ 光储充一体化解决方案
+ Integrated solar-storage-charging stations
- 充电站想加装电池缓冲，解决变压器容量不足
- Need battery buffering for charging sites with limited grid capacity

## pv.epc | 新能源 绿能 能源 电力工程 | Renewables
# ci-rooftop | 工商业屋顶分布式光伏
> nev.vehicle nev.battery-cell ic.fab bio.cdmo newmat.polymers
+ 工商业屋顶分布式光伏投资建设，合同能源管理(EMC)模式
+ 零投资屋顶光伏，业主享受电价折扣
+ Rooftop solar for factories under PPA/EMC with zero upfront cost
- 厂房屋顶闲置，希望零投入装太阳能发电来降低电费
- Looking for a rooftop solar PPA for our plant
# utility-epc | 地面电站EPC总承包
+ 地面光伏电站EPC总承包，累计并网2GW
+ Utility-scale PV EPC with 2 GW grid-connected
# plant-design | 电站设计与可研
+ 光伏电站设计、接入系统方案与可研报告编制
+ PV plant design, grid-connection studies and feasibility reports
# green-power | 绿电交易与绿证 | nev.vehicle nev.battery-cell ic.fab bio.cdmo newmat.polymers
+ 绿电交易与绿证代理服务
+ Green power trading and renewable certificate (GEC) services
- 出口客户要求碳足迹数据，需要购买可再生能源证书
- Need renewable energy certificates for our export customers

## pv.om | 能源服务 新能源运维 智慧能源 | Energy Services
# om-service | 电站运维托管
+ 光伏电站运维托管，承诺发电量与可用率
+ PV O&M with guaranteed availability
# drone-inspection | 无人机红外巡检
+ 无人机红外巡检与组件EL检测
+ Drone IR inspection and EL testing of modules
# cleaning | 组件清洗
+ 组件清洗机器人与清洗服务
+ Robotic module cleaning services
# repowering | 老旧电站技改
+ 老旧电站技改增效与资产尽调评估
+ Repowering and technical due diligence for aging plants
## nev.battery-materials | 锂电材料 新能源材料 电池材料 | Battery Materials
# cathode | 正极材料 | nev.battery-cell
+ 磷酸铁锂正极材料，压实密度2.6g/cm³
+ 高镍三元正极NCM811及前驱体
+ LFP and high-nickel NCM cathode materials
- 采购高压实密度的磷酸铁锂粉体
- 需要高能量密度的镍钴锰正极
- Need high-compaction LFP cathode powder
# anode | 负极材料 | nev.battery-cell
+ 人造石墨负极与硅碳负极材料
+ 快充型石墨负极，倍率性能优异
+ Artificial graphite and silicon-carbon anodes
- 寻找掺硅负极材料来提升能量密度
- Looking for fast-charge graphite anode material
# electrolyte | 电解液与锂盐 | nev.battery-cell
+ 锂离子电池电解液及六氟磷酸锂、LiFSI
+ Electrolytes and lithium salts (LiPF6, LiFSI)
- 需要耐高压、低温性能好的电解液配方
- Need a custom electrolyte for low-temperature performance
# separator | 锂电隔膜 | nev.battery-cell
+ 湿法隔膜与陶瓷涂覆隔膜，厚度5–16μm
+ Wet-process separators with ceramic coating
- 寻找耐热涂层的隔离膜
- Need ceramic-coated separator film for cells
# conductive | 导电剂与粘结剂 | nev.battery-cell
+ 碳纳米管导电浆料与PVDF粘结剂
+ Carbon nanotube conductive paste and PVDF binder
- 需要CNT导电剂来提升电池倍率
- Need conductive additive and binder for electrode slurry

## nev.battery-cell | 电池 动力电池 储能科技 新能源 | Battery
# lfp-cell | 磷酸铁锂电芯 | nev.battery-pack pv.storage
+ 280Ah/314Ah磷酸铁锂储能电芯，循环寿命8000次
+ 磷酸铁锂方形动力电芯，支持CTP成组
+ 314Ah LFP prismatic cells with 8,000 cycles
- [pv.storage] 采购长循环的储能专用电芯，约1GWh
- [pv.storage] 需要方形铁锂电池单体，用于储能柜
- [pv.storage] Need long-cycle LFP cells for our storage cabinets
- [nev.battery-pack] 寻找铁锂体系的方形单体电芯，用于商用车电池包
# ncm-cell | 三元与大圆柱电芯 | nev.battery-pack
+ 高镍三元软包/圆柱电芯，能量密度280Wh/kg
+ 46系大圆柱电池
+ High-nickel pouch and 46-series cylindrical cells
- 需要高能量密度的动力电池单体
- Looking for large cylindrical cells for our pack
# sodium | 钠离子电池 | nev.battery-pack pv.storage
+ 钠离子电池电芯，低温性能好
+ Sodium-ion cells with good cold-weather performance
- 寻找低温表现好、成本低的新体系电池
- Need sodium-ion cells for low-speed vehicles
# cell-custom | 小动力定制电芯 | nev.battery-pack
+ 小动力电芯定制：两轮车、电动工具
+ Custom cells for e-bikes and power tools
- 需要两轮电动车用的电池单体
# cell-scrap | 电芯生产废料 | nev.recycling
+ 电芯生产废料及不良品定向处置合作
+ Production scrap and reject cells available to certified recyclers
- 收购电池厂的边角料和报废电芯

## nev.battery-pack | 电池系统 新能源 动力科技 | Battery Systems
# pack | 动力电池包 | nev.vehicle
+ 动力电池包PACK设计与制造，CTP结构
+ 乘用车/商用车电池系统集成
+ EV battery packs with cell-to-pack design
- 需要为新车型配套的动力电池系统，约5万套/年
- 寻找商用车电池系统供应商
- Looking for a battery system supplier for our new EV platform
# bms | 电池管理系统BMS | nev.vehicle
+ 电池管理系统BMS硬件与算法，ASIL-C
+ BMS with SOC/SOH estimation, ISO 26262 ASIL-C
- 需要电池状态估算与均衡控制的管理系统
- Need a BMS with accurate SOC/SOH for our packs
# swap-pack | 标准化换电电池包 | nev.charging
+ 标准化换电电池包与换电锁止机构
+ Standardized swappable packs and locking mechanisms
- 换电站需要标准化的可快换电池
- Need swappable packs for our swap stations
# retired-pack | 退役电池包 | nev.recycling
+ 退役动力电池包回收对接
+ Retired EV packs available for recycling or second life
- 收购退役动力电池包
- Buying retired EV battery packs

## nev.motor | 电驱 电机 动力 | E-Drive
# edrive | 三合一电驱总成 | nev.vehicle
+ 三合一电驱动总成（电机+电控+减速器）
+ 800V SiC电驱系统，峰值效率97%
+ 3-in-1 e-axle (motor, inverter, reducer) with 800 V SiC
- 新平台需要集成式驱动总成，配套约10万台
- 寻找高压平台电驱系统合作伙伴
- Looking for an integrated e-axle for our 800 V platform
# traction-motor | 扁线驱动电机 | nev.vehicle
+ 扁线永磁同步电机，功率密度5kW/kg
+ Hairpin PMSM traction motors
- 需要发卡式绕组的牵引电机
- Need hairpin traction motors for light commercial vehicles
# motor-controller | 电机控制器 | nev.vehicle
+ 电机控制器MCU与车载逆变器
+ Motor controllers and traction inverters
- 寻找驱动电机的控制器，要求功能安全ASIL-C
- Need traction inverters with functional safety
# reducer | 减速器 | nev.vehicle
+ 单级/两挡减速器与齿轮
+ Single and two-speed reducers
- 需要电驱用的减速齿轮箱

## nev.electronics | 汽车电子 智能汽车 车联科技 | Auto Electronics
# adas | 智能驾驶域控 | nev.vehicle
+ L2+智能驾驶域控制器与前视摄像头
+ ADAS domain controller with front camera
- 新车型需要辅助驾驶方案，含域控与感知
- Looking for an L2+ driver-assistance stack
# cockpit | 智能座舱 | nev.vehicle
+ 智能座舱域控制器与车载中控屏
+ Cockpit domain controllers and infotainment displays
- 需要车载信息娱乐系统主机
- Need an infotainment head unit for a new model
# tbox | 5G T-Box | nev.vehicle
+ 5G T-Box车载通信终端与OTA
+ 5G telematics box with OTA
- 需要车联网通信终端，支持远程升级
- Need a telematics unit with OTA capability
# harness | 高压线束与连接器 | nev.vehicle nev.battery-pack nev.motor nev.charging
+ 高压线束与高压连接器
+ High-voltage harnesses and connectors
- 采购高压电缆组件，用于电池包到电驱连接
- Need HV wiring harnesses and connectors
# obc | 车载充电机与DC/DC | nev.vehicle
+ 车载充电机OBC与DC/DC二合一
+ On-board chargers (OBC) and DC/DC converters
- 需要11kW车载充电机

## nev.lightweight | 汽车部件 精密制造 轻量化科技 | Auto Parts
# die-casting | 一体化压铸件 | nev.vehicle nev.battery-pack
+ 一体化压铸后地板与铝合金结构件
+ Mega-casting of aluminium underbody parts
- 寻找大型铝合金压铸件供应商，减少焊点
- [nev.vehicle] Need large single-piece castings for the rear floor
# cfrp-parts | 碳纤维车身部件 | nev.vehicle
+ 碳纤维复合材料车身部件
+ Carbon-fibre body panels
- 需要轻量化碳纤维覆盖件
- Need CFRP panels for a performance model
# battery-tray | 电池托盘 | nev.battery-pack
+ 铝合金挤压电池托盘与下壳体
+ Extruded aluminium battery trays
- 需要电池包下箱体
- Need battery housing trays
# stamping | 热成型冲压件 | nev.vehicle
+ 热成型高强钢冲压件
+ Hot-stamped high-strength steel parts
- 需要高强度钢车身零件

## nev.thermal | 热管理 汽车空调 热能科技 | Thermal
# heat-pump | 热泵空调系统 | nev.vehicle
+ 电动汽车热泵空调系统
+ Heat-pump HVAC for EVs
- 为提升冬季续航，需要车用热泵系统
- Need a heat pump to extend winter range
# cold-plate | 电池液冷板 | nev.battery-pack
+ 电池液冷板与冷却管路
+ Liquid cold plates for battery packs
- 需要电池包散热用的水冷板
- Need cooling plates for our packs
# compressor | 电动压缩机 | nev.vehicle
+ 电动涡旋压缩机
+ Electric scroll compressors
- 寻找电驱空调压缩机
# thermal-module | 集成热管理模块 | nev.vehicle
+ 电子膨胀阀与集成式热管理模块
+ Electronic expansion valves and integrated thermal modules
- 需要集成化的冷媒回路模块

## nev.vehicle | 汽车 新能源汽车 车辆 | Motors
# ev-logistics | 新能源物流车 | svc.logistics
+ 新能源城市物流车与冷藏车
+ Electric urban delivery vans and refrigerated trucks
- 需要电动冷藏配送车辆
- Need electric delivery vans for last-mile
# passenger-car | 新能源乘用车
+ 纯电与插混乘用车
+ BEV and PHEV passenger cars
# e-bus | 新能源客车
+ 新能源客车与园区通勤车
+ Electric buses and campus shuttles
# special-vehicle | 新能源专用车
+ 电动环卫车与工程车
+ Electric sanitation and special-purpose vehicles

## nev.charging | 充电科技 能源 电力 | Charging
# dc-charger | 直流快充设备 | svc.logistics
+ 120–480kW直流快充桩
+ 液冷超充终端，单枪最大600A
+ 120–480 kW DC fast chargers
- 物流园区需要大功率快速补能设施
- Need high-power DC charging for our fleet depot
# ac-charger | 交流充电桩
+ 7kW/11kW交流充电桩
+ 7/11 kW AC wallboxes
# swap-station | 换电站
+ 换电站建设与运营
+ Battery swap stations
# charging-ops | 充电运营与结算 | svc.logistics
+ 充电站投资运营与SaaS平台
+ Charging-network operation and SaaS
- 需要车队充电管理与结算服务
- Need charging management for our fleet

## nev.recycling | 循环科技 资源再生 环保科技 | Recycling
# recycled-salts | 再生锂镍钴盐 | nev.battery-materials
+ 再生碳酸锂、硫酸镍、硫酸钴
+ Recycled lithium carbonate and nickel/cobalt sulfates
- 采购回收料制成的锂盐，降低原料成本
- Need recycled Li/Ni/Co salts
# second-life | 梯次利用储能 | pv.storage
+ 退役电池梯次利用储能产品
+ Second-life battery storage products
- 需要低成本的储能电池，可接受梯次电池
- Looking for low-cost second-life batteries for backup storage
# dismantling | 电池拆解与湿法回收
+ 动力电池拆解与湿法冶金回收
+ Battery dismantling and hydrometallurgical recycling
# grading | 退役电芯检测分选
+ 退役电芯检测、分选与重组
+ Grading and sorting of retired cells
## bio.raw-materials | 生物科技 生命科学 生物技术 | Life Sciences
# media | 细胞培养基 | bio.cdmo bio.biologics bio.cro svc.rnd
+ 无血清细胞培养基与补料，适用于CHO表达
+ 化学成分确定培养基，批间差异小
+ Serum-free CHO media and feeds
- 寻找成分明确的哺乳动物细胞营养液，替代进口品牌
- Need a chemically defined medium to replace imported media
# resin | 层析填料 | bio.cdmo bio.biologics
+ Protein A亲和层析填料与离子交换填料
+ Protein A and ion-exchange chromatography resins
- 需要抗体纯化用的亲和介质，国产替代
- Looking for antibody capture resin
# single-use | 一次性生物工艺耗材 | bio.cdmo bio.biologics
+ 一次性生物反应袋、储液袋与无菌连接器
+ Single-use bioreactor bags and sterile connectors
- 需要一次性使用的生物工艺袋和管路组件
- Need single-use bags and tubing assemblies
# ivd-raw | 诊断酶与抗原抗体原料 | bio.ivd
+ 诊断用酶、抗原抗体原料
+ Diagnostic enzymes, antigens and antibodies
- 需要IVD试剂生产用的抗原和单克隆抗体
- Need raw antigens and antibodies for assay kits
# lab-reagents | 分子生物学试剂 | bio.cro svc.rnd bio.ivd
+ 分子生物学试剂、质粒提取与PCR试剂
+ Molecular biology reagents and PCR mixes
- 实验室采购常规分子试剂与耗材
- Need routine molecular biology reagents
# excipients | 药用辅料 | bio.formulation bio.api
+ 药用辅料：羟丙甲纤维素、微晶纤维素
+ Pharmaceutical excipients: HPMC, MCC
- 需要已登记备案的药用级辅料
- Need registered excipients for tablets
# collagen | 重组胶原蛋白原料 | newmat.medical
+ 重组人源化胶原蛋白原料
+ Recombinant humanized collagen
- 寻找可用于医用敷料的胶原原料

## bio.api | 药业 制药 医药化工 | Pharmaceutical
# api-generic | 特色原料药 | bio.formulation bio.cdmo
+ 特色原料药，已通过CEP与美国DMF登记
+ 沙坦类、他汀类原料药
+ Specialty APIs with CEP and US DMF filings
- 采购已做关联审评的活性药物成分
- 需要降压类原料药稳定供应
- Need APIs with DMF for our generic formulation
# intermediates | 医药中间体定制合成 | bio.cdmo bio.innovative-drug
+ 医药中间体定制合成，吨级产能
+ Custom synthesis of pharmaceutical intermediates at ton scale
- 需要关键合成片段的放大生产
- Need scale-up of a key building block
# peptide-api | 多肽原料药 | bio.formulation bio.innovative-drug
+ 多肽原料药，GLP-1类
+ Peptide APIs including GLP-1 analogues
- 寻找司美格鲁肽类多肽原料
- Looking for GLP-1 peptide API supply
# hpapi | 高活性原料药与ADC毒素 | bio.innovative-drug bio.cdmo
+ 高活性HPAPI与ADC小分子毒素
+ HPAPI and ADC payload manufacturing
- 需要抗体偶联药物的毒素分子
- Need cytotoxic payloads for our ADC

## bio.cro | 医药研发 生物医药 医药科技 | Pharma R&D
# preclinical | 药效与药代研究 | bio.innovative-drug bio.biologics
+ 药效学与药代动力学研究，含小动物模型
+ In-vivo pharmacology and PK studies
- 需要动物体内药效和PK评价
- Need in-vivo efficacy and PK evaluation
# tox | GLP安全性评价 | bio.innovative-drug bio.biologics
+ GLP安全性评价与毒理研究
+ GLP toxicology studies
- 申报IND前需要做安全性评价
- Need IND-enabling safety studies
# clinical | 临床试验运营 | bio.innovative-drug bio.biologics
+ 临床试验CRO：方案设计、监查与数据管理
+ Clinical operations, monitoring and data management
- 需要临床试验运营外包
- Need a partner to run our phase I trial
# device-reg | 器械临床评价与注册 | bio.devices bio.ivd
+ 医疗器械临床评价与注册申报
+ Device clinical evaluation and NMPA registration
- 二类器械需要办理上市注册
- Need help with device registration
# med-chem | 药物化学 | bio.innovative-drug
+ 药物化学合成与化合物库
+ Medicinal chemistry and compound libraries
- 需要先导化合物结构优化
- Need med-chem support for lead optimization

## bio.cdmo | 生物制药 医药 生物科技 | Biologics
# mab-cdmo | 抗体CDMO | bio.innovative-drug bio.biologics
+ 抗体CDMO：细胞株构建、工艺开发与GMP生产
+ mAb CDMO: cell line, process development and GMP supply
- 需要单抗药物的临床样品生产
- Need clinical supply of our antibody
# small-cdmo | 小分子CDMO | bio.innovative-drug
+ 小分子CDMO：工艺研究与临床批生产
+ Small-molecule process R&D and clinical batches
- 需要化药工艺放大和临床批
# cgt-cdmo | 细胞与基因治疗CDMO | bio.biologics
+ CAR-T与病毒载体CDMO
+ Viral vector and CAR-T manufacturing
- 需要慢病毒载体生产
- Need lentiviral vector production
# fill-finish | 无菌灌装与冻干 | bio.innovative-drug bio.biologics
+ 无菌灌装与冻干制剂代工
+ Aseptic fill-finish and lyophilization
- 需要无菌冻干代工
- Need sterile fill-finish capacity

## bio.innovative-drug | 生物医药 新药 医药科技 | Therapeutics
# out-license | 肿瘤管线对外授权 | bio.distribution
+ 肿瘤创新药管线对外授权合作
+ Out-licensing oncology pipeline assets
- 寻找可引进的抗癌新药品种
- Looking for oncology assets to in-license
# adc-platform | 双抗与ADC平台
+ 双抗/ADC技术平台合作开发
+ Bispecific and ADC platform co-development
# launched-drug | 上市创新药商业化 | bio.distribution
+ 上市创新药商业化合作
+ Commercial partnership for launched innovative drugs
- 寻找可独家代理的创新药产品
# rare-disease | 罕见病药物
+ 罕见病药物研发
+ Rare-disease drug development

## bio.formulation | 药业 制药 医药 | Pharma
# oral-solid | 口服固体制剂 | bio.distribution
+ 口服固体制剂，20个品种通过一致性评价
+ Oral solid dosage forms, 20 products with BE
- 寻找已过一致性评价的仿制药品种
- Looking for generic products with completed BE studies
# injectables | 注射剂与冻干粉针 | bio.distribution
+ 小容量注射剂与冻干粉针
+ Injectables and lyophilized powders
- 需要医院常用的针剂品种
# mah-cmo | MAH受托生产 | bio.innovative-drug
+ MAH受托生产服务
+ Contract manufacturing for MAH holders
- 作为上市许可持有人需要委托生产企业
# otc | OTC与大健康产品 | bio.distribution
+ OTC与大健康产品
+ OTC and consumer-health products
- 药店渠道需要非处方药新品

## bio.biologics | 生物 生物制药 细胞科技 | Biologics
# mab | 单克隆抗体药物 | bio.distribution
+ 单克隆抗体药物
+ Monoclonal antibody therapeutics
- 寻找可合作推广的生物药
# vaccine | 疫苗 | bio.distribution
+ 疫苗研发与生产
+ Vaccine development and manufacturing
- 需要疫苗配送合作
# cell-therapy | 细胞治疗 | bio.distribution
+ CAR-T与干细胞治疗产品
+ CAR-T and stem-cell therapies
# recombinant | 重组蛋白药物 | bio.distribution
+ 重组蛋白药物
+ Recombinant protein drugs

## bio.devices | 医疗器械 医疗科技 医疗 | Medical
# ultrasound | 便携超声 | bio.distribution
+ 便携式彩超与掌上超声
+ Portable and handheld ultrasound
- 基层医院需要可移动的影像诊断设备
- Need portable imaging for primary-care clinics
# ortho-implant | 骨科植入物 | bio.distribution
+ 骨科植入物：脊柱与创伤产品
+ Orthopaedic implants (spine and trauma)
- 需要骨科耗材品种
# ecg-wearable | 可穿戴心电监护 | bio.distribution
+ 可穿戴动态心电监护贴
+ Wearable ECG patches
- 需要居家长时间心律监测产品
- Need remote heart-rhythm monitoring devices
# infusion | 一次性输注耗材 | bio.distribution
+ 一次性输注耗材与留置针
+ Single-use infusion sets and IV catheters
- 需要院内常用的输液器类耗材
# ventilator | 呼吸与康复设备 | bio.distribution
+ 家用呼吸机与制氧机
+ Home ventilators and oxygen concentrators

## bio.ivd | 诊断 生物 医学检验 | Diagnostics
# poct | POCT即时检测 | bio.distribution
+ POCT即时检测仪与试剂
+ Point-of-care testing analyzers and reagents
- 需要床旁快速检测产品
- Need rapid bedside diagnostics
# chemiluminescence | 化学发光免疫分析 | bio.distribution
+ 全自动化学发光免疫分析仪
+ Automated chemiluminescence immunoassay analyzers
- 需要高通量免疫检测平台
# molecular-dx | 分子诊断 | bio.distribution
+ 核酸检测试剂盒与PCR仪
+ Nucleic-acid test kits and real-time PCR systems
- 需要基因扩增检测产品
# ngs | 测序与基因检测 | bio.distribution
+ 高通量测序与肿瘤基因检测服务
+ NGS sequencing and tumour genomic profiling

## bio.distribution | 医药 医药供应链 健康 | Pharma Distribution
# hospital-dist | 院内配送
+ 覆盖全省300家医院的药品与器械配送
+ Hospital distribution network covering 300 hospitals
# pharma-retail | 零售药房
+ 连锁药房与DTP药房渠道
+ Retail and DTP pharmacy channels
# device-dist | 器械代理
+ 医疗器械代理与招投标服务
+ Medical device distribution and tender support
# market-access | 准入与学术推广
+ 医保准入与学术推广服务
+ Market access and medical affairs services
## iot.modules | 通信 物联 无线科技 | Wireless
# cat1 | Cat.1蜂窝模组 | iot.devices iot.edge iot.sensing nev.charging
+ 4G Cat.1通信模组，支持全网通
+ LTE Cat.1 bis模组，尺寸小、成本低
+ LTE Cat.1 modules for cost-sensitive devices
- 需要中速蜂窝联网模块，用于共享设备
- Need cellular connectivity for shared devices and chargers
# nbiot | NB-IoT模组 | iot.devices iot.sensing
+ NB-IoT低功耗模组，PSM待机电流<3μA
+ NB-IoT modules with ultra-low PSM current
- 需要电池供电多年的窄带联网模块，用于水表
- Need low-power wide-area connectivity for smart meters
# nr5g | 5G模组 | iot.edge nev.electronics pv.inverter
+ 5G RedCap/5G NR模组
+ 5G NR and RedCap modules
- [nev.electronics] 需要第五代移动通信模块，做车载T-Box
- [nev.electronics] Need 5G connectivity modules for telematics
- 需要高速蜂窝联网模块用于远程视频回传
# wifi-ble | Wi-Fi/BLE模组 | iot.devices pv.inverter
+ Wi-Fi+BLE二合一模组
+ Wi-Fi/BLE combo modules
- [iot.devices] 智能家电需要无线联网模块
- [iot.devices] Need Wi-Fi connectivity for appliances
- [pv.inverter] 户用逆变器需要接入手机App的无线通信模块
# gnss | 高精度定位模组 | iot.devices iot.edge nev.electronics
+ GNSS高精度定位模组（RTK）
+ RTK GNSS modules
- 需要厘米级卫星定位模块
- Need centimetre-level positioning modules

## iot.sensing | 智能科技 视觉 感知科技 | Vision
# ai-camera | AI智能摄像机 | iot.smart-city iot.industrial
+ AI智能摄像机与NVR
+ AI cameras with on-board analytics
- 需要能识别人员和车辆的视频监控设备
- Need smart video cameras for perimeter security
# mmwave | 毫米波雷达 | iot.devices iot.smart-city
+ 毫米波雷达，人体存在检测
+ mmWave radar for presence detection
- 需要非接触式人体感知设备
- Need contactless presence sensing
# vibration | 无线振动温度传感器 | iot.industrial
+ 振动、温度无线传感器，用于设备预测性维护
+ Wireless vibration/temperature sensors for predictive maintenance
- 需要监测电机轴承状态的传感器
- Need condition monitoring sensors for motors
# rfid | RFID标签与读写器 | iot.industrial svc.logistics
+ RFID标签与读写器
+ UHF RFID tags and readers
- 需要仓库资产自动识别标签
- Need RFID for warehouse tracking
# cold-logger | 冷链温湿度记录仪 | svc.logistics
+ 冷链温湿度记录仪与实时追踪器
+ Cold-chain data loggers and trackers
- 需要运输途中温度全程监测设备
- Need real-time temperature trackers for shipments
# machine-vision | 工业相机与机器视觉 | iot.industrial
+ 工业相机与机器视觉检测系统
+ Industrial cameras and machine vision inspection
- 需要产线外观缺陷自动检测
- Need automated visual inspection

## iot.os | 软件 信息技术 嵌入式科技 | Software
# rtos | 物联网RTOS | iot.devices iot.edge
+ 物联网实时操作系统RTOS，内核小于10KB
+ Lightweight RTOS for MCUs
- 需要轻量级嵌入式系统内核
- Need a small-footprint embedded OS
# firmware | 嵌入式软件开发外包 | iot.devices iot.edge
+ 嵌入式软件开发外包、驱动与固件
+ Embedded firmware and driver development outsourcing
- 需要外包固件开发
- Need firmware engineers on contract
# matter | Matter/Thread协议栈 | iot.devices
+ Matter/Thread协议栈与认证服务
+ Matter/Thread stacks and certification support
- 智能家居产品需要跨生态互联互通
- Need cross-ecosystem smart home interoperability
# ota | 安全启动与OTA | iot.devices iot.edge
+ 设备安全启动与OTA升级方案
+ Secure boot and OTA update framework
- 需要远程固件升级能力
- Need remote firmware update capability

## iot.devices | 智能 智能家居 智能科技 | Smart Devices
# smart-home | 智能家居终端 | iot.smart-city
+ 智能门锁、智能开关与网关
+ Smart locks, switches and hubs
- 需要智能门禁和人脸识别门锁
# wearable | 智能手表与手环 | iot.smart-city
+ 智能手表、手环ODM
+ Smart watches and bands (ODM)
# smart-meter | 智能水表燃气表 | iot.smart-city
+ 智能水表、燃气表与远程抄表
+ Smart water and gas meters with remote reading
- 需要远程抄表设备
- Need remote meter reading devices
# robot | 配送与巡检机器人 | iot.smart-city
+ 园区配送机器人与巡检机器人
+ Delivery and patrol robots
- 园区需要无人巡逻设备
- Need autonomous patrol robots
# hw-odm | 智能硬件ODM
+ 智能硬件ODM/JDM开发与量产
+ Smart hardware ODM/JDM

## iot.edge | 网络 智能 边缘计算 | Edge
# gateway | 工业物联网关 | iot.industrial iot.smart-city
+ 工业物联网关，支持Modbus、OPC UA
+ Industrial IoT gateways (Modbus, OPC UA)
- 需要把老旧PLC数据接入云端的采集设备
- Need a gateway to connect legacy PLCs to the cloud
# edge-box | 边缘AI盒子 | iot.industrial iot.smart-city
+ 边缘计算盒子，算力32TOPS
+ Edge AI boxes for video analytics
- 需要在本地跑视频算法的边缘算力设备
# pv-logger | 电站数据采集器 | pv.om
+ 光伏电站数据采集器
+ Data loggers for PV plants
- 需要电站数采设备
# router-5g | 5G工业路由器 | iot.industrial iot.smart-city
+ 5G工业路由器与CPE
+ 5G industrial routers
- 需要工厂无线网络接入设备

## iot.platform | 云科技 数据 数字科技 | Cloud
# iot-paas | 物联网设备管理平台 | iot.industrial iot.smart-city iot.devices nev.charging
+ 物联网设备接入与管理平台，支持百万级连接
+ IoT device management platform
- 需要设备联网管理平台
- Need a cloud platform to manage connected devices
# digital-twin | 数字孪生可视化 | iot.industrial iot.smart-city
+ 数字孪生可视化平台
+ Digital twin visualization platform
- 需要三维可视化的园区运营大屏
# energy-carbon | 能耗监测与碳管理 | iot.industrial iot.smart-city
+ 能耗监测与碳管理平台
+ Energy monitoring and carbon accounting
- 需要统计工厂碳排放的软件
- Need carbon accounting software
# fleet-saas | 车队管理SaaS | svc.logistics
+ 车队管理与轨迹追踪SaaS
+ Fleet telematics SaaS
- 需要监控运输车辆位置和油耗
# pv-monitoring | 新能源电站监控云 | pv.om
+ 光伏储能电站智能监控云平台
+ Cloud monitoring for PV and storage plants
- 需要远程监控电站发电数据

## iot.industrial | 工业互联网 智能制造 数字科技 | Smart Manufacturing
# mes | MES制造执行系统 | nev.vehicle nev.battery-cell pv.cell ic.packaging newmat.composites
+ MES制造执行系统，满足追溯要求
+ Manufacturing execution systems with full traceability
- 需要生产过程追溯和工单管理系统
- Need shop-floor traceability software
# predictive | 预测性维护 | nev.vehicle nev.battery-cell pv.cell ic.packaging newmat.composites
+ 设备预测性维护解决方案
+ Predictive maintenance solutions
- 希望提前发现关键设备故障，减少停机
- Need to reduce unplanned downtime
# ai-inspection | AI视觉质检
> nev.vehicle nev.battery-cell pv.cell ic.packaging newmat.composites
+ AI视觉质检整体方案
+ AI visual quality inspection
- 需要自动检出产品外观瑕疵
# gmp-ebr | 制药电子批记录 | bio.formulation
+ 制药企业GMP数据完整性与批记录电子化
+ Electronic batch records and GMP data integrity
- 需要电子批记录系统满足GMP要求
# wms-agv | 智能仓储与AGV | nev.vehicle nev.battery-cell pv.cell
+ 智能仓储WMS与AGV物流
+ WMS and AGV intralogistics
- 需要厂内物料自动搬运

## iot.smart-city | 智慧城市 数字 智慧科技 | Smart City
# smart-park | 智慧园区
+ 智慧园区综合管理平台
+ Smart campus management platforms
# smart-traffic | 智慧交通
+ 智慧交通信号与停车系统
+ Smart traffic and parking systems
# smart-security | 社会治理与安防
+ 城市安防视频联网
+ City-wide video security networks
# smart-water | 智慧水务
+ 智慧水务与管网监测
+ Smart water and pipeline monitoring
## newmat.precursors | 新材料 矿业 化工材料 | Materials
# lithium | 电池级锂盐 | nev.battery-materials
+ 电池级碳酸锂与氢氧化锂
+ Battery-grade lithium carbonate and hydroxide
- 需要电池级锂原料的长协供应
- Need a long-term lithium salt supply
# industrial-si | 工业硅 | pv.polysilicon
+ 工业硅（金属硅）553/441
+ Metallurgical-grade silicon metal
- 采购冶金级硅块作为多晶硅原料
- Need silicon metal feedstock
# quartz | 高纯石英砂与坩埚 | pv.wafer
+ 高纯石英砂与石英坩埚
+ High-purity quartz sand and crucibles
- 拉晶需要高纯石英坩埚
- Need quartz crucibles for CZ pulling
# rare-earth | 稀土氧化物与金属 | newmat.magnetic
+ 稀土氧化物与金属：镨钕、镝铽
+ Rare-earth oxides and metals (PrNd, Dy, Tb)
- 需要镨钕金属原料
# sic-powder | 高纯碳化硅粉 | newmat.wide-bandgap
+ 高纯碳化硅粉体，6N
+ 6N SiC powder for crystal growth
- 长晶需要高纯碳化硅原料
# pan | PAN原丝 | newmat.composites
+ 聚丙烯腈原丝
+ PAN precursor fibre
- 需要碳纤维用原丝
# monomers | 特种单体 | newmat.polymers
+ 特种单体与聚合物原料（PI单体、氟化单体）
+ Specialty monomers for polyimides and fluoropolymers
- 需要聚酰亚胺单体原料

## newmat.metals | 合金 金属材料 新材料 | Alloys
# al-alloy | 免热处理压铸铝合金 | nev.lightweight
+ 免热处理压铸铝合金
+ 6系/7系高强铝合金型材
+ Heat-treatment-free die-casting alloys
- 一体化压铸需要不用热处理的铝合金材料
- Need non-heat-treated alloy for mega casting
# si-steel | 高牌号无取向硅钢 | nev.motor
+ 新能源汽车用高牌号无取向硅钢
+ High-grade non-oriented electrical steel
- 需要低铁损的电机铁芯材料
- Need low-loss lamination steel for motors
# zam | 锌铝镁镀层钢 | pv.bos
+ 锌铝镁镀层钢板
+ Zn-Al-Mg coated steel
- 需要耐腐蚀的支架用钢
# hp-metals | 超高纯金属 | ic.materials
+ 6N高纯铜、铝、钛，用于靶材
+ 6N high-purity copper, aluminium and titanium
- 需要做靶材坯料的超高纯金属
# precision-parts | 半导体设备精密零件 | ic.equipment
+ 半导体设备用高洁净铝合金腔体与精密零件
+ Precision-cleaned aluminium chambers for semiconductor tools
- 需要刻蚀设备的腔体零件
# brazing-al | 钎焊铝材 | nev.thermal
+ 热管理用钎焊铝箔与复合板
+ Brazing aluminium foil and clad sheet for heat exchangers
- 需要液冷板用的复合铝材

## newmat.chemicals | 电子化学 化学 特气 | Chemicals
# wet-chem | 湿电子化学品 | ic.fab ic.materials
+ G5级高纯硫酸、双氧水、氢氟酸
+ G5 ultra-pure wet chemicals
- 晶圆清洗需要超纯酸
- Need semiconductor-grade acids
# gases | 电子特气 | ic.fab
+ 电子特气：三氟化氮、六氟化钨、高纯氨
+ Specialty gases: NF3, WF6, NH3
- 需要刻蚀清洗用的含氟气体
- Need specialty gases for CVD and chamber clean
# plating | PCB电镀化学品 | ic.pcb
+ PCB电镀铜药水与化学镍金
+ PCB plating chemistry, ENIG
- 需要线路板沉铜电镀药水
# pv-chem | 光伏制绒添加剂 | pv.cell
+ 光伏制绒添加剂与清洗剂
+ Texturing additives for solar cells
- 需要电池片制绒工序辅助化学品
# ald-precursor | ALD/CVD前驱体 | ic.fab ic.materials
+ ALD/CVD前驱体材料
+ ALD/CVD precursors
- 需要原子层沉积用的金属有机源

## newmat.polymers | 高分子 材料科技 新材料 | Polymers
# poe | 光伏级POE树脂 | pv.aux-materials
+ 光伏级POE树脂粒子
+ PV-grade POE resin
- 需要胶膜用的聚烯烃弹性体原料
# pi-film | 聚酰亚胺薄膜 | ic.pcb
+ 聚酰亚胺PI薄膜
+ Polyimide film
- 需要FPC基材用的耐高温薄膜
# uhmwpe | 超高分子量聚乙烯 | nev.battery-materials
+ 超高分子量聚乙烯树脂
+ UHMWPE resin for separators
- 需要湿法隔膜原料
# peek | PEEK/PPS特种工程塑料 | ic.equipment
+ PEEK、PPS特种工程塑料及零件
+ PEEK and PPS engineering plastics
- 需要耐等离子的工程塑料零件
# bioprocess-film | 生物工艺袋膜材 | bio.raw-materials
+ 生物工艺袋用多层共挤膜材
+ Multilayer films for bioprocess bags
- 需要一次性袋的膜材
# silicone | 有机硅胶与硅油 | newmat.thermal newmat.coatings
+ 有机硅胶与硅油
+ Silicone elastomers and fluids
- 需要导热胶的有机硅基料

## newmat.composites | 复合材料 碳纤维 新材料 | Composites
# carbon-fibre | T700/T800碳纤维 | nev.lightweight
+ T700/T800级碳纤维
+ T700/T800 carbon fibre
- 需要高强度碳纤维
# prepreg-smc | 预浸料与SMC片材 | nev.lightweight
+ 碳纤维预浸料与SMC片材
+ Prepregs and SMC
- 需要模压用片状复合材料
# frp-profile | 拉挤玻璃钢型材 | pv.bos
+ 拉挤玻璃钢型材，用于光伏支架
+ Pultruded FRP profiles for solar mounting
- 需要耐盐雾的非金属支架材料
# cc-hotzone | 碳碳复合热场 | pv.wafer
+ 碳/碳复合热场材料
+ C/C composite hot-zone parts
- 拉晶炉需要碳碳坩埚托和导流筒

## newmat.wide-bandgap | 半导体材料 晶体 宽禁带材料 | Crystal
# sic-substrate | 碳化硅衬底 | ic.power-devices
+ 6/8英寸导电型碳化硅衬底
+ 6/8-inch conductive 4H-SiC substrates
- 需要碳化硅基片，微管密度低
# sic-epi | 碳化硅外延片 | ic.power-devices
+ 碳化硅外延片，厚度均匀性<3%
+ Provide 8-inch SiC epitaxial wafers, low BPD density
- 寻找宽禁带外延片代工
# gan-epi | 硅基氮化镓外延片 | ic.power-devices
+ 硅基氮化镓外延片
+ GaN-on-Si epitaxial wafers
- 需要氮化镓外延材料
# ga2o3 | 氧化镓衬底
+ 氧化镓单晶衬底
+ Gallium oxide single-crystal substrates

## newmat.coatings | 涂层 胶粘 新材料 | Coatings
# ar-coating | 减反射镀膜液 | pv.aux-materials
+ 光伏玻璃减反射镀膜液
+ Anti-reflective coating fluids for solar glass
- 需要提高玻璃透光率的镀膜材料
# pack-adhesive | 电池包结构胶 | nev.battery-pack
+ 电池包结构胶、聚氨酯导热结构胶
+ Structural adhesives for battery packs
- 需要电芯粘接用的胶
# fire-barrier | 防火隔热材料 | nev.battery-pack
+ 电池包防火隔热涂层与云母板
+ Fire-barrier coatings and mica sheets for packs
- 需要防止热失控蔓延的隔热材料
# plasma-coating | 耐等离子涂层 | ic.equipment
+ 氧化钇耐等离子喷涂
+ Yttria plasma-resistant coatings
- 需要刻蚀腔体零件的防护涂层
# body-adhesive | 车身结构胶与密封胶 | nev.lightweight
+ 车身结构胶与密封胶
+ Body-in-white structural adhesives and sealants
- 需要车身连接用的胶

## newmat.magnetic | 磁材 磁性材料 稀土科技 | Magnetics
# ndfeb | 烧结钕铁硼 | nev.motor
+ 高性能烧结钕铁硼磁钢，晶界扩散低重稀土
+ Sintered NdFeB magnets with grain-boundary diffusion
- 需要电机转子用的永磁体
# soft-magnetic | 软磁磁芯 | pv.inverter
+ 铁硅铝/非晶纳米晶磁芯
+ Sendust and nanocrystalline cores
- 需要逆变器电感用的磁芯
# bonded-magnet | 粘结钕铁硼
+ 粘结钕铁硼与注塑磁
+ Bonded NdFeB and injection-molded magnets
# ferrite | 铁氧体
+ 铁氧体磁芯与磁瓦
+ Ferrite cores and arc magnets

## newmat.thermal | 导热材料 电子材料 新材料 | Thermal Materials
# tim | 导热界面材料 | nev.battery-pack ic.packaging iot.devices nev.electronics iot.edge
+ 导热垫片、导热凝胶，导热系数1.5–12W/m·K
+ Thermal pads and gels, 1.5–12 W/m·K
- 需要填充发热芯片与散热器间隙的材料
# emi-shield | 电磁屏蔽材料 | iot.devices nev.electronics iot.edge
+ 导电泡棉与电磁屏蔽膜
+ Conductive foam and EMI shielding films
- 需要防电磁干扰的材料
# graphite | 石墨散热膜 | iot.devices
+ 人工石墨散热膜与VC均热板
+ Synthetic graphite sheets and vapor chambers
- 需要把热量横向导开的超薄散热片
# potting | 导热灌封胶 | nev.electronics nev.battery-pack
+ 导热灌封胶
+ Thermally conductive potting compounds
- 需要电源模块灌封用的胶

## newmat.medical | 生物材料 医用材料 新材料 | Biomaterials
# med-polymer | 医用级TPU与硅胶 | bio.devices
+ 医用级TPU、硅胶导管材料
+ Medical-grade TPU and silicone tubing compounds
- 需要生物相容的导管原料
# biodegradable | 可降解吸收材料 | bio.devices
+ 聚乳酸PLA、PCL可吸收材料
+ Bioresorbable PLA and PCL
- 需要体内可吸收的材料做缝线或支架
# ti-implant | 医用钛合金 | bio.devices
+ 医用钛合金棒材与3D打印粉末
+ Medical titanium bars and AM powders
- 需要骨科植入物用的钛材
# hydrogel | 医用水凝胶与敷料 | bio.devices
+ 医用水凝胶与功能敷料
+ Medical hydrogels and advanced wound dressings
# pharma-pack | 药包材 | bio.formulation
+ 中硼硅玻璃管制瓶、预灌封注射器
+ Borosilicate vials and prefilled syringes
- 需要注射剂用的高硼硅包装瓶
## svc.finance | 金融 | Finance
# kechuang-loan | 科创贷 | ic pv nev bio iot newmat
+ "科创贷"：面向高新技术企业的信用贷款，最高1000万元，无需抵押
+ "研发贷"按企业研发投入和人才团队授信，纯信用、随借随还
+ "Sci-Tech Loan": unsecured credit lines for high-tech SMEs up to RMB 10 million
- 研发投入大、缺少可抵押的固定资产，希望获得信用类贷款
- 需要无担保的流动资金支持新产品研发
- Need working capital without collateral to fund R&D
# ip-pledge | 知识产权质押融资 | ic pv nev bio iot newmat
+ 知识产权质押融资，发明专利、商标均可作为质押物
+ "专利贷"：以有效发明专利质押，评估后最高放款800万元
+ IP pledge financing: loans secured by granted patents and trademarks
- 想用公司的发明专利换取银行授信
- Looking to borrow against our patent portfolio
# equipment-lease | 设备融资租赁 | ic pv nev bio newmat svc.testing svc.logistics svc.rnd
+ 设备融资租赁与售后回租，期限3–5年
+ "设备按揭贷"：购置生产设备可分期还款，首付最低20%
+ Equipment finance leasing and sale-leaseback, 3–5 year terms
- 新产线设备投资大、资金不足，希望分期支付
- Need financing to buy new production machines
- [svc.testing svc.rnd] 实验室购置大型检测仪器，希望以租赁方式分期付款
- [svc.logistics] 购置冷藏车和叉车需要分期融资方案
# order-finance | 订单贷与应收账款融资 | ic pv nev bio iot newmat
+ "订单贷"与应收账款保理，凭核心企业订单放款
+ 供应链金融：应收账款融资、票据贴现与反向保理
+ Order-based loans and receivables factoring backed by anchor-customer orders
- 下游大客户账期长达半年，想把应收款提前变现
- Our customers pay in 120 days; need to turn invoices into cash sooner
# venture | 股权投资与投贷联动 | ic pv nev bio iot newmat
+ 产业投资基金，聚焦A轮至C轮硬科技企业
+ 投贷联动：股权投资+认股权贷款组合方案
+ Venture investment in hard-tech companies, Series A to C
- 寻找股权融资，计划启动B轮
- 正在找投资机构领投下一轮
- Raising a Series B round; looking for a lead investor
# green-loan | 绿色信贷 | pv nev newmat svc.logistics
+ 绿色信贷与碳减排挂钩贷款，利率优惠
+ "光伏贷"：分布式光伏电站建设专项贷款
+ Green loans and sustainability-linked loans at preferential rates
- [pv.epc pv.om pv.storage pv.module] 光伏电站建设需要低息的环保专项贷款
- 节能改造项目想申请与减排指标挂钩的优惠融资
- [pv.epc pv.om] Need low-interest financing for a solar plant build-out
- [svc.logistics] 车队换成新能源货车，需要绿色金融支持
# talent-loan | 人才贷 | ic iot bio newmat svc.rnd
+ "人才贷"：面向高层次人才创业企业，最高500万元
+ Talent loans for start-ups founded by leading scientists
- 海归博士创业团队，需要启动资金
- [svc.rnd] 孵化的教师创业团队需要人才类启动贷款
# fx-hedge | 跨境结算与汇率避险 | ic pv nev bio iot newmat svc.logistics
+ 跨境人民币结算与远期结售汇，汇率避险
+ Cross-border settlement and FX forwards for exporters
- 出口业务收美元，需要锁定汇率风险
- Need FX hedging for our export revenue

## svc.legal | 法律 | Legal
# ip-litigation | 知识产权诉讼与商业秘密 | ic pv nev bio iot newmat svc.ip
+ 专利侵权诉讼、商业秘密保护与不正当竞争纠纷代理
+ 知识产权维权：证据保全、诉前禁令与侵权赔偿
+ Patent litigation and trade-secret protection
- 竞争对手仿制我们的产品，需要维权
- 核心技术人员离职带走图纸资料，需要追究责任
- A competitor copied our design; need legal action
- [svc.ip] 代理的客户遭遇侵权纠纷，需要合作律所出庭诉讼
# contracts | 常年法律顾问与合同审查
+ 企业常年法律顾问，合同起草与审查
+ Retained counsel, contract drafting and review
- 需要审核采购和销售合同
- Need someone to review our supply agreements
- [svc.finance] 需要律所协助起草和审核授信合同文本
# export-control | 出口管制与贸易合规 | ic pv nev bio iot newmat svc.logistics
+ 出口管制、贸易合规与海外投资法律服务
+ Export control, sanctions screening and trade-compliance advisory
- 出海过程中需要了解美国和欧盟的管制规则
- Need advice on export restrictions for overseas sales
# financing-legal | 投融资与上市法律服务 | ic pv nev bio iot newmat svc.finance
+ 投融资交易、股权激励与上市法律服务
+ VC financing, ESOP and IPO counsel
- 融资前需要律师做尽职调查和条款把关
- 计划给员工发期权，需要方案设计
- Need counsel for our Series B term sheet
- [svc.finance] 投资项目交割前需要律师出具法律意见书
# labor | 劳动用工与竞业限制
+ 劳动用工合规、竞业限制与员工纠纷
+ Employment compliance and non-compete agreements
- 需要处理员工竞业协议和离职纠纷
# bank-dd | 金融机构授信法律尽调 | svc.finance
+ 为银行提供授信尽职调查与担保物法律审查
+ Legal due diligence on borrowers for banks
- 放贷前需要第三方律所核查借款企业
# product-liability | 产品质量纠纷与召回 | ic nev bio iot pv svc.testing svc.logistics
+ 产品质量纠纷、召回与责任保险理赔代理
+ Product liability, recalls and quality disputes
- 客户因质量问题索赔，需要法律支持
- Need help with a customer's quality claim
- [svc.testing] 检测结论引发客户争议，需要律师出具法律意见
- [svc.logistics] 运输途中货损纠纷，需要律师处理理赔

## svc.testing | 检测 | Testing
# elec-reliability | 电子可靠性测试
> ic.pcb ic.packaging ic.design ic.sensors ic.power-devices iot.devices iot.edge
> iot.modules nev.electronics pv.inverter bio.devices
+ 提供电子元器件失效分析、温循与HAST可靠性试验
+ PCB/PCBA可靠性测试：温度循环、冷热冲击、CAF离子迁移
+ 板级可靠性评估：高温高湿偏压、跌落与振动试验
+ Board-level reliability testing: thermal cycling, HAST, vibration and drop
- 需要PCB可靠性测试和失效分析服务
- 新产品导入前需要做板级环境应力试验
- Need reliability qualification for our PCBA
# failure-analysis | 失效分析
> ic.pcb ic.packaging ic.design ic.sensors ic.power-devices iot.devices nev.electronics
> nev.battery-pack pv.inverter
+ 失效分析：X-ray、金相切片、SEM/EDS、FIB定位
+ 芯片与焊点失效分析，出具根因分析报告
+ Failure analysis: X-ray, cross-section, SEM/EDS, FIB and decap
- 客户退回的芯片需要查明损坏原因
- 焊点开裂问题需要找出根本原因
- Need root-cause analysis for field returns
# aec-qual | 车规元器件认证测试 | ic.design ic.power-devices ic.sensors ic.packaging
+ AEC-Q100/Q101车规元器件认证测试
+ AEC-Q100/Q101 qualification testing
- 芯片要进入汽车供应链，需要做车规考核
- Need automotive qualification for our chip
# emc-safety | EMC与安规认证 | iot nev.electronics nev.charging pv.inverter bio.devices
+ EMC电磁兼容与安规测试，CCC/CE/FCC认证
+ EMC and safety testing; CCC, CE and FCC certification
- 产品出口欧洲需要做CE认证
- Need EMC testing for market access
# battery-safety | 电池安全测试 | nev.battery-cell nev.battery-pack pv.storage nev.recycling
+ 动力电池安全测试：针刺、挤压、热失控，GB 38031
+ 锂电池UN38.3运输鉴定与IEC 62619储能电池测试
+ Battery safety testing: nail penetration, crush and thermal runaway
- 电池包需要做国标安全检测
- Need UN38.3 for shipping batteries
# pv-cert | 光伏组件认证测试 | pv.module pv.cell pv.aux-materials
+ 光伏组件IEC 61215/61730认证测试
+ PV module certification testing to IEC 61215/61730
- 组件需要做认证测试才能出口
# med-test | 医疗器械检测 | bio.devices bio.ivd newmat.medical
+ 医疗器械生物相容性与电气安全检测
+ Biocompatibility (ISO 10993) and IEC 60601 testing
- 器械注册需要生物学评价和电安全报告
- Need biocompatibility reports for device registration
# material-test | 材料成分与性能检测
> newmat nev.battery-materials pv.aux-materials ic.materials nev.lightweight
+ 材料成分与力学性能检测，出具CMA/CNAS报告
+ Material composition and mechanical testing
- 需要第三方出具材料检验报告
# calibration | 计量校准 | ic pv nev bio newmat
+ 仪器设备计量校准
+ Instrument calibration services
- 需要对测量仪器做年度计量

## svc.logistics | 物流 | Logistics
# pharma-cold-chain | 医药冷链运输 | bio svc.testing svc.rnd
+ 2–8℃医药冷链运输，GSP认证
+ 生物样本与细胞制品-80℃至液氮温区冷链配送
+ GSP-compliant 2–8 °C pharma cold chain
- 生物样本需要全程冷藏运输
- Need temperature-controlled transport for biologics
- [svc.testing] 检测样品需要低温寄送到实验室
- [svc.rnd] 细胞样本需要在各实验室之间低温转运
# hazmat | 危险品运输
> nev.battery-cell nev.battery-pack nev.battery-materials newmat.chemicals pv.storage
> nev.recycling svc.testing
+ 危险品运输：锂电池、化学品
+ Dangerous goods transport including lithium batteries
- 电池产品发货需要有危险品资质的承运商
- Need a carrier licensed for Class 9 batteries
- [svc.testing] 电池送检样品需要有危险品资质的运输
# forwarding | 国际货代与报关 | ic pv nev bio iot newmat
+ 国际货运代理与报关
+ Freight forwarding and customs brokerage
- 出口货物需要订舱和报关
- Need freight forwarding for export shipments
# warehouse | 保税仓与VMI仓储 | ic pv nev bio iot newmat
+ 园区保税仓与VMI仓储
+ Bonded warehousing and VMI
- 需要靠近客户的中转仓库
- Need a bonded warehouse near the park
# precision-moving | 精密设备搬运 | ic svc.rnd svc.testing
+ 半导体设备精密搬运与洁净运输
+ Precision moving of semiconductor tools
- 新产线设备需要防震搬运
- [svc.testing svc.rnd] 实验室搬迁，精密仪器需要专业搬运

## svc.rnd | 研究院 | Research
# pilot-line | 中试线
> ic.sensors ic.power-devices ic.design nev.battery-cell nev.battery-materials newmat
> pv.cell bio.api
+ 开放中试线：8英寸MEMS中试平台，支持工艺验证
+ 提供锂电池中试线，可做软包/方形电芯小批量试制
+ 提供新材料公斤级到吨级放大中试
+ Open pilot line for process validation and small-batch trial production
- 实验室成果需要放大验证，找不到试制产线
- 需要小批量试生产场地来验证工艺
- Need a pilot facility to scale up from lab to production
# characterization | 材料表征
> newmat ic.materials ic.fab pv.cell pv.wafer pv.aux-materials nev.battery-materials
> nev.battery-cell
+ 材料表征平台：XRD、XPS、TEM、拉曼光谱
+ Materials characterization: XRD, XPS, TEM and Raman
- 需要分析薄膜的晶体结构和元素价态
- Need microscopy and spectroscopy to study our samples
# cell-platform | 细胞实验平台
> bio.innovative-drug bio.biologics bio.cro bio.cdmo bio.raw-materials
+ 细胞实验平台：流式细胞、细胞培养与功能检测
+ Cell biology platform: flow cytometry and cell-based assays
- 需要做细胞活性和药物筛选实验
- Need cell-based assays for drug screening
# preclinical-research | 临床前研究 | bio.innovative-drug bio.biologics bio.devices
+ 临床前研究：疾病动物模型与药效评价
+ Preclinical research with disease animal models
- 新药需要在疾病模型上验证疗效
# simulation | 多物理场仿真 | nev ic pv newmat
+ 多物理场仿真与计算材料学
+ Multiphysics simulation and computational materials science
- [nev.battery-cell nev.battery-pack pv.storage] 需要电池热失控仿真
- [ic.power-devices ic.packaging nev.motor pv.inverter] Need thermal simulation of our power module
- 新产品设计阶段需要做结构与热仿真分析
# joint-rnd | 联合攻关与揭榜挂帅
+ 承接企业技术攻关项目（揭榜挂帅），可组建联合实验室
+ Joint R&D projects and co-funded labs with companies
- 有技术难题希望与高校合作攻关
- Looking for a university lab to co-develop a new process
# training | 工程师培训与联合培养
+ 定制化工程师培训与研究生联合培养
+ Customised engineer training and joint graduate programmes
- 需要培养工艺工程师
# tech-transfer | 成果转化与专利许可
+ 高校专利许可与科技成果转化
+ Licensing of university patents and technology transfer
- 寻找可产业化的高校技术成果

## svc.ip | 知识产权 | IP
# patent-filing | 专利申请与PCT布局 | ic pv nev bio iot newmat svc.rnd
+ 发明专利撰写与申请，PCT国际专利布局
+ Patent drafting and PCT filings
- 新技术需要尽快申请保护
- Need to protect our invention in the US and Europe
- [svc.rnd] 科研成果需要专业代理撰写专利
# fto | 专利检索与FTO分析
> ic nev bio iot newmat pv.cell pv.module pv.inverter pv.storage pv.aux-materials
> svc.legal
+ 专利检索、FTO自由实施分析与侵权风险评估
+ Freedom-to-operate and patent landscape analysis
- 产品上市前想确认不会侵犯别人的专利
- Need an FTO opinion before launch
- [svc.legal] 代理专利侵权案件，需要检索比对与技术分析支持
# ip-valuation | 知识产权价值评估 | ic pv nev bio iot newmat svc.finance
+ 知识产权价值评估，用于质押融资与作价入股
+ IP valuation for pledge loans and equity contribution
- 银行要求专利评估报告才能放款
- Need a patent valuation report for the bank
- [svc.finance] 开展知识产权质押贷款，需要合作的专利价值评估机构
# trademark | 商标注册与海外布局 | ic pv nev bio iot newmat svc.legal
+ 商标注册与海外商标布局
+ Trademark registration at home and abroad
- 产品出海需要在海外注册品牌
- [svc.legal] 为客户处理涉外商标异议，需要商标代理机构配合
# hitech-cert | 高企认定与贯标 | ic pv nev bio iot newmat
+ 高新技术企业认定与知识产权贯标
+ High-tech enterprise certification support
- 想申请高新技术企业资格享受税收优惠
- Need help applying for high-tech enterprise status
"""

# --------------------------------------------------------------------------------------
# Organisations written by hand: research institutes (kind "institute") and service
# providers (kind "service"): (name, positions, offered concept keys (a key given twice
# means two differently worded offers of it), size, needed concept keys).
# --------------------------------------------------------------------------------------
INSTITUTES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "示范理工大学微电子学院可靠性实验室",
        "svc.testing svc.rnd",
        "elec-reliability failure-analysis aec-qual joint-rnd",
        "medium",
        "test-equipment equipment-lease product-liability",
    ),
    (
        "星澜产业技术研究院电子可靠性中心",
        "svc.testing svc.rnd",
        "elec-reliability failure-analysis emc-safety training",
        "large",
        "test-equipment equipment-lease contracts labor",
    ),
    (
        "钱湾示范大学材料学院表征平台",
        "svc.rnd svc.testing",
        "characterization material-test joint-rnd tech-transfer",
        "medium",
        "precision-moving equipment-lease patent-filing",
    ),
    (
        "示范集成电路创新中心MEMS中试平台",
        "svc.rnd",
        "pilot-line simulation joint-rnd training",
        "large",
        "etch-depo parts talent-loan patent-filing",
    ),
    (
        "澄岳大学功率半导体研究所",
        "svc.rnd svc.testing",
        "failure-analysis simulation joint-rnd tech-transfer",
        "medium",
        "test-equipment etch-depo patent-filing",
    ),
    (
        "示范医科大学细胞实验平台",
        "svc.rnd",
        "cell-platform preclinical-research joint-rnd",
        "medium",
        "media lab-reagents pharma-cold-chain",
    ),
    (
        "曜石新材料研究院",
        "svc.rnd svc.testing",
        "pilot-line characterization material-test joint-rnd",
        "large",
        "equipment-lease patent-filing precision-moving contracts",
    ),
    (
        "示范动力电池创新中心",
        "svc.rnd svc.testing",
        "pilot-line battery-safety simulation",
        "large",
        "equipment-lease talent-loan patent-filing",
    ),
    (
        "沐川生物医药研究院",
        "svc.rnd",
        "cell-platform preclinical-research tech-transfer training",
        "medium",
        "media lab-reagents pharma-cold-chain patent-filing",
    ),
    (
        "钱湾示范大学光伏研究院",
        "svc.rnd svc.testing",
        "pilot-line pv-cert characterization joint-rnd",
        "medium",
        "equipment-lease patent-filing",
    ),
    (
        "示范理工大学智能感知实验室",
        "svc.rnd",
        "joint-rnd tech-transfer simulation training",
        "small",
        "patent-filing talent-loan",
    ),
    (
        "岚峰先进封装研究院",
        "svc.rnd svc.testing",
        "failure-analysis elec-reliability pilot-line joint-rnd",
        "medium",
        "parts test-equipment equipment-lease",
    ),
    (
        "示范医疗器械创新研究院",
        "svc.rnd svc.testing",
        "med-test preclinical-research joint-rnd",
        "medium",
        "lab-reagents pharma-cold-chain patent-filing",
    ),
    (
        "汐屿碳材料实验室",
        "svc.rnd",
        "characterization pilot-line tech-transfer",
        "small",
        "precision-moving patent-filing",
    ),
    (
        "示范汽车电子研究所",
        "svc.testing svc.rnd",
        "emc-safety elec-reliability failure-analysis joint-rnd",
        "medium",
        "test-equipment contracts product-liability",
    ),
    (
        "澄岳大学化学工程学院中试基地",
        "svc.rnd",
        "pilot-line characterization joint-rnd training",
        "medium",
        "equipment-lease patent-filing talent-loan",
    ),
    (
        "示范计量测试研究院",
        "svc.testing",
        "calibration material-test elec-reliability",
        "large",
        "contracts labor product-liability",
    ),
    (
        "钱湾示范大学药学院",
        "svc.rnd",
        "preclinical-research cell-platform tech-transfer joint-rnd",
        "medium",
        "media lab-reagents patent-filing",
    ),
    (
        "峻砺宽禁带半导体研究中心",
        "svc.rnd svc.testing",
        "pilot-line failure-analysis characterization",
        "medium",
        "etch-depo parts talent-loan",
    ),
    (
        "示范智能制造研究院",
        "svc.rnd",
        "simulation joint-rnd training tech-transfer",
        "medium",
        "patent-filing talent-loan",
    ),
    (
        "星晞生物样本库与转化平台",
        "svc.rnd",
        "cell-platform joint-rnd tech-transfer",
        "small",
        "pharma-cold-chain lab-reagents",
    ),
    (
        "砚川储能安全实验室",
        "svc.testing svc.rnd",
        "battery-safety simulation failure-analysis",
        "medium",
        "equipment-lease product-liability precision-moving",
    ),
    (
        "示范理工大学高分子研究所",
        "svc.rnd svc.testing",
        "characterization material-test pilot-line tech-transfer",
        "medium",
        "patent-filing equipment-lease",
    ),
    (
        "溯光光电检测中心",
        "svc.testing",
        "pv-cert material-test calibration",
        "small",
        "precision-moving contracts",
    ),
    (
        "示范微纳加工平台",
        "svc.rnd",
        "pilot-line characterization training",
        "medium",
        "etch-depo parts test-equipment",
    ),
    (
        "翎川医学检验研究所",
        "svc.testing svc.rnd",
        "med-test cell-platform",
        "small",
        "pharma-cold-chain lab-reagents",
    ),
    (
        "示范新能源汽车技术研究院",
        "svc.rnd svc.testing",
        "simulation joint-rnd battery-safety",
        "large",
        "talent-loan patent-filing equipment-lease",
    ),
    (
        "示范理工大学电子工程系PCB工艺实验室",
        "svc.testing svc.rnd",
        "elec-reliability failure-analysis material-test",
        "small",
        "test-equipment contracts",
    ),
    (
        "珩岳磁性材料研究所",
        "svc.rnd",
        "characterization pilot-line joint-rnd",
        "small",
        "patent-filing precision-moving",
    ),
)

SERVICES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "星澜银行杭州科技支行",
        "svc.finance",
        "kechuang-loan ip-pledge order-finance fx-hedge",
        "large",
        "ip-valuation bank-dd contracts",
    ),
    (
        "澄岳农商银行科创金融部",
        "svc.finance",
        "kechuang-loan talent-loan green-loan equipment-lease",
        "large",
        "bank-dd contracts labor",
    ),
    (
        "示范科技银行",
        "svc.finance",
        "kechuang-loan ip-pledge venture talent-loan",
        "large",
        "ip-valuation bank-dd",
    ),
    (
        "汐源金融租赁有限公司",
        "svc.finance",
        "equipment-lease equipment-lease green-loan",
        "medium",
        "contracts bank-dd",
    ),
    (
        "峻拓创业投资管理有限公司",
        "svc.finance",
        "venture venture talent-loan",
        "small",
        "financing-legal contracts",
    ),
    (
        "沐川银行滨江支行",
        "svc.finance",
        "order-finance ip-pledge green-loan fx-hedge",
        "large",
        "bank-dd contracts ip-valuation",
    ),
    (
        "岚棠融资担保有限公司",
        "svc.finance",
        "kechuang-loan ip-pledge order-finance",
        "medium",
        "ip-valuation bank-dd labor",
    ),
    (
        "澄衡律师事务所",
        "svc.legal",
        "ip-litigation contracts financing-legal bank-dd",
        "medium",
        "fto",
    ),
    (
        "星屿律师事务所",
        "svc.legal",
        "export-control contracts labor product-liability",
        "medium",
        "trademark",
    ),
    (
        "示范知识产权律师事务所",
        "svc.legal",
        "ip-litigation ip-litigation labor financing-legal",
        "small",
        "fto trademark",
    ),
    (
        "朴石律师事务所",
        "svc.legal",
        "contracts bank-dd product-liability labor",
        "small",
        "trademark",
    ),
    (
        "曜渊律师事务所",
        "svc.legal",
        "export-control financing-legal ip-litigation",
        "medium",
        "fto",
    ),
    (
        "示范检测认证（杭州）有限公司",
        "svc.testing",
        "elec-reliability failure-analysis emc-safety aec-qual",
        "large",
        "equipment-lease product-liability",
    ),
    (
        "砚衡检测技术有限公司",
        "svc.testing",
        "emc-safety calibration material-test",
        "medium",
        "contracts labor",
    ),
    (
        "湛禾电池检测有限公司",
        "svc.testing",
        "battery-safety battery-safety emc-safety",
        "medium",
        "hazmat equipment-lease",
    ),
    (
        "霁峰材料检测中心有限公司",
        "svc.testing",
        "material-test failure-analysis calibration",
        "small",
        "contracts precision-moving",
    ),
    (
        "骁衡医疗器械检验有限公司",
        "svc.testing",
        "med-test med-test material-test",
        "small",
        "pharma-cold-chain contracts",
    ),
    (
        "琮舟光伏检测有限公司",
        "svc.testing",
        "pv-cert material-test calibration",
        "small",
        "precision-moving labor",
    ),
    (
        "星拓电子可靠性实验室有限公司",
        "svc.testing",
        "elec-reliability failure-analysis aec-qual",
        "small",
        "equipment-lease product-liability",
    ),
    (
        "汐舟冷链物流有限公司",
        "svc.logistics",
        "pharma-cold-chain pharma-cold-chain warehouse",
        "medium",
        "cold-logger fleet-saas green-loan",
    ),
    (
        "峻川供应链管理有限公司",
        "svc.logistics",
        "forwarding warehouse hazmat",
        "medium",
        "rfid fleet-saas fx-hedge",
    ),
    (
        "曜帆危险品运输有限公司",
        "svc.logistics",
        "hazmat hazmat forwarding",
        "small",
        "fleet-saas equipment-lease product-liability",
    ),
    (
        "琮棠精密物流有限公司",
        "svc.logistics",
        "precision-moving warehouse forwarding",
        "small",
        "rfid product-liability",
    ),
    (
        "栎原国际货运代理有限公司",
        "svc.logistics",
        "forwarding warehouse pharma-cold-chain",
        "medium",
        "fx-hedge export-control contracts",
    ),
    (
        "珩屿知识产权代理有限公司",
        "svc.ip",
        "patent-filing fto trademark",
        "small",
        "ip-litigation contracts",
    ),
    (
        "示范专利事务所",
        "svc.ip",
        "patent-filing fto hitech-cert",
        "small",
        "ip-litigation labor",
    ),
    (
        "朴岳知识产权评估有限公司",
        "svc.ip",
        "ip-valuation fto",
        "micro",
        "contracts labor",
    ),
    (
        "芮禾知识产权服务有限公司",
        "svc.ip",
        "trademark hitech-cert patent-filing",
        "micro",
        "ip-litigation",
    ),
    (
        "岫辰专利代理事务所",
        "svc.ip",
        "patent-filing ip-valuation hitech-cert",
        "small",
        "ip-litigation contracts",
    ),
    (
        "示范中试基地运营有限公司",
        "svc.rnd",
        "pilot-line training",
        "medium",
        "etch-depo equipment-lease talent-loan",
    ),
    (
        "澈川科技成果转化服务中心",
        "svc.rnd",
        "tech-transfer joint-rnd",
        "small",
        "patent-filing talent-loan",
    ),
    (
        "桐峰仿真技术服务有限公司",
        "svc.rnd",
        "simulation characterization",
        "micro",
        "equipment-lease patent-filing",
    ),
)

# --------------------------------------------------------------------------------------
# Invented company names: brand (first × second syllable) + segment word + legal form.
# --------------------------------------------------------------------------------------
BRAND_FIRST = (
    "星xing 澄cheng 沐mu 岚lan 曜yao 溯su 汐xi 峻jun 砚yan 翎ling 珩heng 霁ji 朴pu 岫xiu "
    "璟jing 骁xiao 琮cong 栎li 芮rui 澈che 桐tong 予yu 湛zhan 昀yun 屹yi"
)
BRAND_SECOND = (
    "澜lan 岳yue 川chuan 峰feng 石shi 屿yu 源yuan 拓tuo 衡heng 燧sui 渊yuan 舟zhou 棠tang "
    "禾he 晞xi 砺li 穹qiong 岬jia 帆fan 辰chen 序xu 麓lu"
)
# combinations that read like ordinary words or resemble well-known brands
BRAND_EXCLUDE = frozenset({"星源", "星辰", "溯源", "星帆", "予舟", "予辰", "屹立"})
LEGAL_FORMS = ("有限公司", "有限公司", "股份有限公司", "（杭州）有限公司")

SURNAMES = (
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 赵zhao 黄huang 周zhou 吴wu 徐xu 孙sun 胡hu "
    "朱zhu 高gao 林lin 何he 郭guo 马ma 罗luo 梁liang 宋song 郑zheng 谢xie 韩han 唐tang "
    "冯feng 沈shen 蒋jiang 叶ye 方fang 俞yu 邵shao 潘pan"
)
GIVEN_NAMES = (
    "晓明 思远 雨桐 建华 海燕 志强 文静 浩然 佳怡 子涵 伟 敏 磊 婷 俊杰 晨曦 一鸣 欣怡 国栋 "
    "丽娜 嘉懿 明轩 若溪 振宇 静怡 天佑 梓萱 亦凡 书瑶 立群"
)
ROLES = {
    "enterprise": (
        "销售总监",
        "市场部经理",
        "商务经理",
        "采购经理",
        "技术总监",
        "BD经理",
        "供应链经理",
        "总经理助理",
    ),
    "institute": ("平台主任", "实验室主任", "成果转化办主任", "项目经理", "副院长"),
    "svc.finance": ("客户经理", "科技金融部总经理", "公司业务部经理"),
    "svc.legal": ("合伙人", "高级律师"),
    "svc.testing": ("业务经理", "实验室经理", "客户服务主管"),
    "svc.logistics": ("业务经理", "大客户经理"),
    "svc.ip": ("专利代理师", "合伙人", "业务总监"),
    "svc.rnd": ("运营总监", "项目经理"),
}

PARKS = (
    "滨江园区",
    "钱塘新区",
    "未来科技城",
    "萧山经济技术开发区",
    "余杭经济技术开发区",
    "紫金港科技城",
)
# park districts each chain tends to cluster in (weights in PARKS order)
PARK_WEIGHTS = {
    "ic": (5, 2, 3, 1, 1, 2),
    "iot": (5, 1, 4, 1, 1, 3),
    "pv": (1, 2, 1, 3, 4, 1),
    "nev": (1, 3, 1, 5, 2, 1),
    "bio": (1, 5, 2, 1, 3, 2),
    "newmat": (1, 4, 1, 3, 3, 1),
    "svc": (3, 2, 3, 1, 1, 2),
}

# --------------------------------------------------------------------------------------
# Qualifications: (name, issuer). Certification bodies are invented.
# --------------------------------------------------------------------------------------
CERT_BODIES = ("示范质量认证中心", "衡岳认证有限公司", "汐澄国际认证有限公司")
HIGH_TECH = ("高新技术企业", "浙江省科学技术厅")
SPECIALISED = ("省级专精特新中小企业", "浙江省经济和信息化厅")
CHAIN_QUALS: dict[str, tuple[tuple[str, str], ...]] = {
    "ic": (("IATF 16949", "*"), ("ISO 45001", "*"), ("ESD S20.20", "*")),
    "pv": (("ISO 45001", "*"), ("ISO 50001 能源管理体系", "*")),
    "nev": (("IATF 16949", "*"), ("ISO 26262 功能安全", "*"), ("ISO 45001", "*")),
    "bio": (("ISO 13485", "*"), ("药品GMP符合性检查", "浙江省药品监督管理局")),
    "iot": (
        ("ISO 27001", "*"),
        ("CMMI 3级", "CMMI Institute"),
        ("SRRC型号核准", "工业和信息化部"),
        ("CCC认证", "中国质量认证中心"),
        ("CE", "欧盟公告机构"),
        ("FCC", "FCC"),
    ),
    "newmat": (("IATF 16949", "*"), ("UL 94 V-0", "UL"), ("RoHS/REACH符合性", "第三方检测机构")),
}
SEGMENT_QUALS: dict[str, tuple[tuple[str, str], ...]] = {
    "ic.eda": (("ISO 27001", "*"), ("CMMI 3级", "CMMI Institute")),
    "ic.design": (("ISO 26262 功能安全流程认证", "*"), ("IATF 16949", "*")),
    "ic.distribution": (("ESD S20.20", "*"), ("ISO 45001", "*")),
    "pv.module": (
        ("IEC 61215/IEC 61730", "示范光伏认证中心"),
        ("UL 61730", "UL"),
        ("CQC光伏产品认证", "中国质量认证中心"),
    ),
    "pv.epc": (("电力工程施工总承包资质", "浙江省住房和城乡建设厅"), ("ISO 45001", "*")),
    "pv.om": (("承装(修、试)电力设施许可证", "国家能源局浙江监管办公室"), ("ISO 45001", "*")),
    "nev.vehicle": (
        ("IATF 16949", "*"),
        ("道路机动车辆生产企业准入", "工业和信息化部"),
        ("CCC认证", "中国质量认证中心"),
    ),
    "nev.recycling": (("废旧动力蓄电池综合利用行业规范条件", "工业和信息化部"), ("ISO 45001", "*")),
    "bio.innovative-drug": (
        ("药品上市许可持有人(MAH)", "国家药品监督管理局"),
        ("药品GMP符合性检查", "浙江省药品监督管理局"),
    ),
    "bio.biologics": (
        ("药品GMP符合性检查", "浙江省药品监督管理局"),
        ("药品生产许可证", "浙江省药品监督管理局"),
    ),
    "bio.raw-materials": (("ISO 13485", "*"), ("ISO 45001", "*")),
    "iot.industrial": (
        ("ISO 27001", "*"),
        ("CMMI 3级", "CMMI Institute"),
        ("两化融合管理体系评定", "*"),
    ),
    "iot.smart-city": (
        ("ISO 27001", "*"),
        ("网络安全等级保护三级", "公安机关备案测评机构"),
        ("电子与智能化工程专业承包资质", "浙江省住房和城乡建设厅"),
    ),
    "newmat.chemicals": (
        ("安全生产许可证", "浙江省应急管理厅"),
        ("危险化学品经营许可证", "杭州市应急管理局"),
        ("IATF 16949", "*"),
    ),
    "newmat.precursors": (("安全生产许可证", "浙江省应急管理厅"), ("ISO 45001", "*")),
    "bio.api": (
        ("药品GMP符合性检查", "浙江省药品监督管理局"),
        ("药品生产许可证", "浙江省药品监督管理局"),
        ("FDA DMF备案", "U.S. FDA"),
    ),
    "bio.formulation": (
        ("药品GMP符合性检查", "浙江省药品监督管理局"),
        ("药品生产许可证", "浙江省药品监督管理局"),
    ),
    "bio.cdmo": (
        ("药品GMP符合性检查", "浙江省药品监督管理局"),
        ("EU GMP", "欧盟成员国药品监管机构"),
    ),
    "bio.cro": (("GLP认证", "国家药品监督管理局"), ("AAALAC认证", "AAALAC International")),
    "bio.devices": (
        ("ISO 13485", "*"),
        ("医疗器械生产许可证", "浙江省药品监督管理局"),
        ("CE (MDR)", "欧盟公告机构"),
        ("FDA 510(k)", "U.S. FDA"),
    ),
    "bio.ivd": (("ISO 13485", "*"), ("医疗器械生产许可证", "浙江省药品监督管理局")),
    "bio.distribution": (
        ("药品经营许可证", "浙江省药品监督管理局"),
        ("药品GSP认证", "浙江省药品监督管理局"),
    ),
    "newmat.medical": (("ISO 13485", "*"), ("USP Class VI", "第三方检测机构")),
    "nev.battery-cell": (
        ("IATF 16949", "*"),
        ("UN38.3", "第三方检测机构"),
        ("GB 38031 检验", "第三方检测机构"),
    ),
    "nev.battery-pack": (
        ("IATF 16949", "*"),
        ("UN38.3", "第三方检测机构"),
        ("GB 38031 检验", "第三方检测机构"),
    ),
    "nev.charging": (("CQC充电设备认证", "中国质量认证中心"), ("CE", "欧盟公告机构")),
    "pv.inverter": (("CE", "欧盟公告机构"), ("UL 1741", "UL"), ("CQC并网认证", "中国质量认证中心")),
    "pv.storage": (("UL 9540A", "UL"), ("IEC 62619", "第三方检测机构")),
    "iot.platform": (
        ("ISO 27001", "*"),
        ("网络安全等级保护三级", "公安机关备案测评机构"),
        ("CMMI 5级", "CMMI Institute"),
    ),
    "iot.os": (("ISO 27001", "*"), ("CMMI 3级", "CMMI Institute")),
}
SVC_QUALS: dict[str, tuple[tuple[str, str], ...]] = {
    "svc.finance": (("金融许可证", "国家金融监督管理总局浙江监管局"),),
    "svc.legal": (("律师事务所执业许可证", "浙江省司法厅"),),
    "svc.testing": (
        ("CNAS实验室认可", "中国合格评定国家认可委员会"),
        ("CMA检验检测机构资质认定", "浙江省市场监督管理局"),
    ),
    "svc.logistics": (("道路运输经营许可证", "杭州市交通运输局"), ("AEO高级认证", "杭州海关")),
    "svc.ip": (("专利代理机构执业许可证", "国家知识产权局"),),
    "svc.rnd": (("省级重点实验室", "浙江省科学技术厅"), ("省级新型研发机构", "浙江省科学技术厅")),
}
# extra licences for particular service concepts
CONCEPT_QUALS: dict[str, tuple[str, str]] = {
    "pharma-cold-chain": ("药品冷链物流GSP符合性", "浙江省药品监督管理局"),
    "hazmat": ("危险货物道路运输许可证", "杭州市交通运输局"),
    "ip-valuation": ("资产评估机构备案", "浙江省财政厅"),
    "preclinical-research": ("GLP认证", "国家药品监督管理局"),
    "equipment-lease": ("融资租赁经营许可", "浙江省地方金融管理局"),
}

# --------------------------------------------------------------------------------------
# Optional tails that make statements read like real postings.
# --------------------------------------------------------------------------------------
# Segments whose offers are physical goods, and segments whose offers are services; the
# rest (vehicles, drugs, medical devices) only get neutral tails.
GOODS_SEGMENTS = frozenset(
    "ic.materials ic.equipment ic.design ic.power-devices ic.sensors ic.pcb pv.polysilicon "
    "pv.wafer pv.aux-materials pv.cell pv.module pv.inverter pv.bos pv.storage "
    "nev.battery-materials nev.battery-cell nev.battery-pack nev.motor nev.electronics "
    "nev.lightweight nev.thermal bio.raw-materials bio.api iot.modules iot.sensing "
    "iot.devices iot.edge newmat.precursors newmat.metals newmat.chemicals newmat.polymers "
    "newmat.composites newmat.wide-bandgap newmat.coatings newmat.magnetic newmat.thermal "
    "newmat.medical".split()
)
SERVICE_SEGMENTS = frozenset(
    "ic.eda ic.fab ic.packaging ic.distribution pv.epc pv.om nev.charging nev.recycling "
    "bio.cro bio.cdmo bio.distribution iot.os iot.platform iot.industrial iot.smart-city "
    "svc.finance svc.legal svc.testing svc.logistics svc.rnd svc.ip".split()
)
OFFER_TAILS_ZH = {
    "goods": (
        "可提供样品测试",
        "交期稳定",
        "产能充足，可签订年度框架协议",
        "已批量供货行业头部客户",
        "支持按需定制",
    ),
    "service": ("可安排技术交流", "本地团队响应及时", "已服务园区多家企业", "支持按项目定制方案"),
    "neutral": ("欢迎洽谈合作", "已服务长三角多家客户", "园区企业优先对接"),
    "ic": ("支持小批量打样", "本地FAE现场支持"),
    "iot": ("支持小批量打样", "提供SDK与参考设计"),
    "nev": ("已进入多家主机厂供应链", "可驻厂服务"),
    "pv": ("已供货多个百兆瓦级项目",),
    "newmat": ("可提供COA与MSDS", "吨级稳定供货"),
    "bio": ("可提供COA与注册支持文件",),
    "svc.finance": ("最快3个工作日放款", "园区企业享受贴息", "线上申请、线下尽调"),
    "svc.legal": ("首次咨询免费", "团队具有理工科背景", "可常驻园区服务"),
    "svc.testing": ("5个工作日出具报告", "支持加急", "可上门取样"),
    "svc.logistics": ("全程GPS与温度可追溯", "园区内当日提货", "覆盖长三角"),
    "svc.rnd": ("面向园区企业开放预约", "可签订联合研发协议", "欢迎企业来访交流"),
    "svc.ip": ("代理师具有理工科背景", "协助申报园区补贴", "快速预审通道"),
}
OFFER_TAILS_EN = {
    "goods": ("samples available", "short lead times", "local support in Hangzhou"),
    "service": ("local team in Hangzhou", "open to joint projects"),
    "neutral": ("open to partnerships",),
}
NEED_TAILS_ZH = {
    "goods": ("要求交期短", "年采购量较大", "可先小批量试用"),
    "any": ("希望长期合作", "优先考虑园区内企业", "有意向者请联系我们", "欢迎推荐"),
}
NEED_TAILS_EN = ("long-term partnership preferred", "local partner preferred", "urgent")

# --------------------------------------------------------------------------------------
# Hand-picked need → offer pairs for end-to-end tests. Both texts are taken verbatim from
# the pools above; the generator plants each pair on a customer and a supplier. Grouped by
# language: zh → zh paraphrases, en → zh, en → en, and zh → en last (the hardest case for
# multilingual-e5-small, which scores Chinese text against Chinese offers markedly higher).
# --------------------------------------------------------------------------------------
PROBES: tuple[tuple[str, str, str], ...] = (
    (
        "需要PCB可靠性测试和失效分析服务",
        "提供电子元器件失效分析、温循与HAST可靠性试验",
        "the product owner's example: PCB reliability tests = temperature cycling and HAST",
    ),
    (
        "焊点开裂问题需要找出根本原因",
        "失效分析：X-ray、金相切片、SEM/EDS、FIB定位",
        "root cause of cracked solder joints = failure analysis by X-ray, cross-section, SEM",
    ),
    (
        "客户退回的芯片需要查明损坏原因",
        "芯片与焊点失效分析，出具根因分析报告",
        "why returned chips broke = failure analysis with a root-cause report",
    ),
    (
        "需要分析薄膜的晶体结构和元素价态",
        "材料表征平台：XRD、XPS、TEM、拉曼光谱",
        "crystal structure = XRD, element valence state = XPS",
    ),
    (
        "核心技术人员离职带走图纸资料，需要追究责任",
        "知识产权维权：证据保全、诉前禁令与侵权赔偿",
        "staff leaving with drawings is a trade-secret case: evidence preservation, injunction",
    ),
    (
        "需要无担保的流动资金支持新产品研发",
        '"科创贷"：面向高新技术企业的信用贷款，最高1000万元，无需抵押',
        "unsecured working capital for R&D = the bank's Sci-Tech credit loan without collateral",
    ),
    (
        "寻找股权融资，计划启动B轮",
        "产业投资基金，聚焦A轮至C轮硬科技企业",
        "raising a Series B = venture fund investing in rounds A to C",
    ),
    (
        "放贷前需要第三方律所核查借款企业",
        "为银行提供授信尽职调查与担保物法律审查",
        "a bank's legal check of a borrower = credit due diligence for banks",
    ),
    (
        "封装线扩产，需要焊线机和装片机",
        "全自动固晶机、引线键合机及塑封设备",
        "焊线机 = 引线键合机 (wire bonder), 装片机 = 固晶机 (die bonder)",
    ),
    (
        "倒装封装前需要在晶圆上做焊球凸点",
        "晶圆凸块(Bumping)与再布线RDL中道加工",
        "solder bumps on wafers before flip-chip = wafer bumping",
    ),
    (
        "寻找带神经网络加速单元的摄像头主控芯片",
        "边缘AI视觉处理芯片，内置NPU，算力4TOPS",
        "neural-network accelerator = NPU; camera main chip = vision SoC",
    ),
    (
        "寻找可弯折的软板供应商，用于可穿戴设备",
        "柔性线路板FPC与软硬结合板",
        "bendable board = flexible printed circuit (FPC)",
    ),
    (
        "寻找空调冷媒回路用的压力检测元件",
        "车规级压力传感器，用于热管理与制动系统",
        "refrigerant-loop pressure element = automotive pressure sensor for thermal management",
    ),
    (
        "寻找摄像头感光芯片，要求夜间成像效果好",
        "CMOS图像传感器，200万–800万像素，支持星光级夜视",
        "camera light-sensing chip for night imaging = low-light (starlight) CMOS image sensor",
    ),
    (
        "寻找低导通电阻的开关管，用于电池保护板",
        "提供低内阻功率场效应管，适用于BMS和电机控制",
        "low on-resistance switch for battery protection = low-resistance power MOSFET for BMS",
    ),
    (
        "晶圆清洗需要超纯酸",
        "G5级高纯硫酸、双氧水、氢氟酸",
        "ultra-pure acids for wafer cleaning = G5 sulfuric / hydrofluoric acid",
    ),
    (
        "需要非接触式人体感知设备",
        "毫米波雷达，人体存在检测",
        "contactless human sensing = mmWave presence radar",
    ),
    (
        "希望提前发现关键设备故障，减少停机",
        "设备预测性维护解决方案",
        "finding failures before they happen = predictive maintenance",
    ),
    (
        "需要监测电机轴承状态的传感器",
        "振动、温度无线传感器，用于设备预测性维护",
        "bearing condition monitoring = wireless vibration/temperature sensors",
    ),
    (
        "智能家电需要无线联网模块",
        "Wi-Fi+BLE二合一模组",
        "wireless connectivity for appliances = Wi-Fi/BLE combo module",
    ),
    (
        "需要统计工厂碳排放的软件",
        "能耗监测与碳管理平台",
        "counting a factory's emissions = carbon management platform",
    ),
    (
        "需要监控运输车辆位置和油耗",
        "车队管理与轨迹追踪SaaS",
        "tracking trucks' position and fuel = fleet management SaaS",
    ),
    (
        "需要耐候性好的组件背面保护材料",
        "光伏背板（KPK/KPF/CPC结构）",
        "weather-resistant rear protection of a module = PV backsheet",
    ),
    (
        "需要双玻组件层压用的聚烯烃薄膜",
        "EVA、POE及EPE共挤封装胶膜",
        "polyolefin lamination film = POE/EPE encapsulant",
    ),
    (
        "厂房屋顶承重有限，需要重量轻的太阳能板",
        "轻质柔性光伏组件，适用于彩钢瓦屋顶",
        "roof with limited load = lightweight flexible modules for metal roofs",
    ),
    (
        "寻找能处理头尾料和边皮料的回收商",
        "回收硅料、埚底料清洗与再利用服务",
        "ingot tops/tails and slab offcuts = recycled silicon cleaning and reuse",
    ),
    (
        "收购电池厂的边角料和报废电芯",
        "电芯生产废料及不良品定向处置合作",
        "buying scrap and rejected cells = cell production scrap for recyclers",
    ),
    (
        "需要模压用片状复合材料",
        "碳纤维预浸料与SMC片材",
        "sheet composite for compression moulding = SMC / prepreg",
    ),
    (
        "需要耐盐雾的非金属支架材料",
        "拉挤玻璃钢型材，用于光伏支架",
        "corrosion-proof non-metal mounting = pultruded FRP profiles",
    ),
    (
        "需要关键合成片段的放大生产",
        "医药中间体定制合成，吨级产能",
        "scaling up a key synthetic building block = custom intermediate synthesis",
    ),
    (
        "采购已做关联审评的活性药物成分",
        "特色原料药，已通过CEP与美国DMF登记",
        "active ingredient with a linked regulatory review = API with CEP/DMF",
    ),
    (
        "需要居家长时间心律监测产品",
        "可穿戴动态心电监护贴",
        "long-term home heart-rhythm monitoring = wearable ambulatory ECG patch",
    ),
    ("需要医院常用的针剂品种", "小容量注射剂与冻干粉针", "针剂 = 注射剂 / 粉针 (injectables)"),
    (
        "需要小批量试生产场地来验证工艺",
        "提供新材料公斤级到吨级放大中试",
        "small trial production to validate a process = kg-to-ton pilot scale-up",
    ),
    (
        "生物样本需要全程冷藏运输",
        "2–8℃医药冷链运输，GSP认证",
        "refrigerated transport of biological samples = 2–8 °C pharma cold chain",
    ),
    (
        "Looking for 1200V silicon-carbide switches for an 800V e-axle",
        "1200V/650V碳化硅MOSFET芯片及单管",
        "silicon-carbide switches = 碳化硅MOSFET",
    ),
    (
        "Looking for a Bluetooth LE chip with long battery life for wearables",
        "低功耗蓝牙BLE 5.3 SoC与Wi-Fi 6芯片",
        "Bluetooth LE chip with long battery life = 低功耗蓝牙 SoC",
    ),
    (
        "Need remote firmware update capability",
        "设备安全启动与OTA升级方案",
        "remote firmware update = OTA升级",
    ),
    (
        "Need a cloud platform to manage connected devices",
        "物联网设备接入与管理平台，支持百万级连接",
        "cloud platform for connected devices = 物联网设备管理平台",
    ),
    (
        "Looking for low-cost second-life batteries for backup storage",
        "退役电池梯次利用储能产品",
        "second-life batteries = 退役电池梯次利用",
    ),
    (
        "Need advice on export restrictions for overseas sales",
        "出口管制、贸易合规与海外投资法律服务",
        "export restrictions = 出口管制",
    ),
    (
        "Raising a Series B round; looking for a lead investor",
        "投贷联动：股权投资+认股权贷款组合方案",
        "a funding round needs equity investment = 股权投资",
    ),
    (
        "Our customers pay in 120 days; need to turn invoices into cash sooner",
        '"订单贷"与应收账款保理，凭核心企业订单放款',
        "turning invoices into cash = 应收账款保理 (receivables factoring)",
    ),
    (
        "Need low-power wide-area connectivity for smart meters",
        "NB-IoT modules with ultra-low PSM current",
        "low-power wide-area connectivity = NB-IoT",
    ),
    (
        "Need a gateway to connect legacy PLCs to the cloud",
        "Industrial IoT gateways (Modbus, OPC UA)",
        "legacy PLCs speak Modbus / OPC UA; an industrial IoT gateway connects them",
    ),
    (
        "Looking for motion sensors for wearables and robots",
        "6-axis IMUs, accelerometers and gyroscopes",
        "motion sensors = IMUs, accelerometers, gyroscopes",
    ),
    (
        "寻找碳化硅MOSFET功率器件供应商，用于800V电驱",
        "SiC power modules for traction inverters, AEC-Q101 qualified",
        "the product owner's example: 碳化硅 = SiC; 800V电驱 = traction inverter",
    ),
    (
        "想用公司的发明专利换取银行授信",
        "IP pledge financing: loans secured by granted patents and trademarks",
        "borrowing against patents = IP pledge financing",
    ),
    (
        "需要抗体纯化用的亲和介质，国产替代",
        "Protein A and ion-exchange chromatography resins",
        "affinity media for antibody purification = Protein A resin",
    ),
    (
        "需要填充发热芯片与散热器间隙的材料",
        "Thermal pads and gels, 1.5–12 W/m·K",
        "filling the gap between a hot chip and its heatsink = thermal interface pads and gels",
    ),
)

# Segments whose first two enterprises are built to share offers (find-substitute answers),
# with the chain the "unrelated" organisation is taken from.
SUBSTITUTE_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("ic.power-devices", "bio"),
    ("ic.packaging", "pv"),
    ("ic.pcb", "bio"),
    ("pv.module", "ic"),
    ("pv.inverter", "bio"),
    ("nev.battery-materials", "iot"),
    ("nev.battery-pack", "bio"),
    ("bio.cdmo", "nev"),
    ("bio.raw-materials", "pv"),
    ("iot.modules", "newmat"),
    ("newmat.thermal", "bio"),
    ("newmat.magnetic", "iot"),
)
