"""The default questionnaire: the structure of SIPAS (Bộ Nội vụ's index of satisfaction with
public administrative services): five factors, 22 criteria on a five-level satisfaction scale,
per factor the respondent's satisfaction and expectation, an overall satisfaction question, the
procedure used, an optional respondent profile and one several-choices question.

The wording is the portal's own, written for a one-stop shop's counter (Bộ phận Một cửa).
"""

NAME = "Bảng hỏi SIPAS"

INTRO_VI = (
    "Xin Ông/Bà dành 1–2 phút cho biết mức độ hài lòng với dịch vụ hành chính công vừa sử dụng. "
    "Phiếu không hỏi họ tên, số điện thoại hay số định danh; ý kiến chỉ dùng để cải thiện "
    "chất lượng phục vụ."
)
INTRO_EN = (
    "Please take a minute or two to tell us how satisfied you are with the public service you "
    "have just used. We do not ask for your name, phone number or identity number; your answers "
    "are used only to improve the service."
)

# (code, Vietnamese title, English title, [(Vietnamese criterion, English criterion)])
FACTORS = [
    ("A", "Tiếp cận dịch vụ", "Access to the service", [
        ("Nơi ngồi chờ tại Bộ phận Một cửa có đủ chỗ ngồi",
         "The waiting area of the one-stop shop has enough seats"),
        ("Trang thiết bị phục vụ người dân, tổ chức đầy đủ (bàn, bút, mẫu đơn, máy tra cứu)",
         "There is enough equipment for visitors (desks, pens, forms, look-up screens)"),
        ("Trang thiết bị hiện đại, dễ sử dụng",
         "The equipment is modern and easy to use"),
        ("Dễ tìm thông tin và nộp hồ sơ trực tuyến trên Cổng dịch vụ công",
         "Information and online filing on the public service portal are easy to use"),
    ]),
    ("B", "Thủ tục hành chính", "Administrative procedures", [
        ("Thủ tục hành chính được niêm yết công khai đầy đủ",
         "The procedure is fully displayed in public"),
        ("Thủ tục hành chính được niêm yết công khai chính xác",
         "The procedure is displayed accurately"),
        ("Thành phần hồ sơ phải nộp đúng quy định",
         "The documents asked for are those the rules require"),
        ("Phí, lệ phí phải nộp đúng quy định",
         "The fees charged are those the rules set"),
        ("Thời hạn giải quyết ghi trên giấy hẹn đúng quy định",
         "The time limit on the appointment slip is the one the rules set"),
    ]),
    ("C", "Công chức trực tiếp giải quyết công việc",
     "The civil servants who handled the case", [
        ("Công chức có thái độ giao tiếp lịch sự", "The civil servant was polite"),
        ("Công chức chú ý lắng nghe ý kiến của người dân, tổ chức",
         "The civil servant listened carefully"),
        ("Công chức trả lời, giải thích đầy đủ các ý kiến",
         "The civil servant answered and explained fully"),
        ("Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo",
         "The civil servant helped to fill in the file with care"),
        ("Công chức hướng dẫn dễ hiểu, hồ sơ chỉ phải bổ sung nhiều nhất một lần",
         "The guidance was clear: the file had to be completed at most once"),
    ]),
    ("D", "Kết quả giải quyết thủ tục hành chính", "The results of the service", [
        ("Kết quả nhận được đúng quy định", "The result complies with the rules"),
        ("Kết quả có thông tin đầy đủ, chính xác", "The result's information is complete and "
                                                  "accurate"),
        ("Hồ sơ được giải quyết đúng hoặc sớm hơn hạn hẹn",
         "The file was settled on or before the date promised"),
        ("Không phải nộp thêm khoản chi phí nào ngoài quy định",
         "No payment beyond the official fees was asked for"),
    ]),
    ("E", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
     "Receiving and handling feedback, complaints and petitions", [
        ("Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
         "The agency offers a way to give feedback or complain"),
        ("Dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
         "Giving feedback or complaining is easy"),
        ("Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý tích cực",
         "Feedback and complaints are received and dealt with actively"),
        ("Được thông báo kết quả xử lý góp ý, phản ánh, kiến nghị kịp thời",
         "You are told in good time what was done about your feedback"),
    ]),
]

FACTOR_SATISFACTION = ("Nhìn chung, Ông/Bà hài lòng thế nào về “{vi}”?",
                       "Overall, how satisfied are you with “{en}”?")
FACTOR_EXPECTATION = ("Ông/Bà kỳ vọng ở mức nào về “{vi}”?",
                      "How high are your expectations of “{en}”?")
OVERALL = ("Nhìn chung, Ông/Bà hài lòng thế nào về dịch vụ hành chính công đã sử dụng?",
           "Overall, how satisfied are you with the public service you used?")

# (Vietnamese, English, land/construction/investment sector)
PROCEDURES = [
    ("Đất đai (cấp, đổi giấy chứng nhận, đăng ký biến động)",
     "Land (certificates, registering changes)", True),
    ("Xây dựng (giấy phép xây dựng)", "Construction (building permits)", True),
    ("Đầu tư, đăng ký kinh doanh", "Investment, business registration", True),
    ("Hộ tịch (khai sinh, kết hôn, khai tử)", "Civil status (births, marriages, deaths)", False),
    ("Chứng thực (bản sao, chữ ký)", "Certification (copies, signatures)", False),
    ("Lao động, người có công, bảo trợ xã hội", "Labour, war veterans, social assistance", False),
    ("Thủ tục khác", "Another procedure", False),
]

# (code, Vietnamese, English, [(Vietnamese option, English option)])
PROFILE = [
    ("TUOI", "Độ tuổi của Ông/Bà (không bắt buộc)", "Your age group (optional)", [
        ("Dưới 25 tuổi", "Under 25"), ("Từ 25 đến 39 tuổi", "25 to 39"),
        ("Từ 40 đến 59 tuổi", "40 to 59"), ("Từ 60 tuổi trở lên", "60 or over"),
    ]),
    ("GIOI", "Giới tính (không bắt buộc)", "Gender (optional)", [
        ("Nam", "Male"), ("Nữ", "Female"), ("Khác", "Other"),
    ]),
    ("DOITUONG", "Ông/Bà là (không bắt buộc)", "You are (optional)", [
        ("Người dân", "A citizen"),
        ("Đại diện tổ chức, doanh nghiệp", "Representing an organisation or business"),
    ]),
]

IMPROVE = ("CAITHIEN", "Theo Ông/Bà, cơ quan cần ưu tiên cải thiện những gì? (chọn một hoặc nhiều)",
           "What should the agency improve first? (choose one or more)", [
               ("Cơ sở vật chất, nơi ngồi chờ", "Premises and the waiting area"),
               ("Thủ tục, giấy tờ", "Procedures and paperwork"),
               ("Thái độ, kỹ năng của công chức", "The civil servants' attitude and skills"),
               ("Thời gian giải quyết", "Time taken"),
               ("Dịch vụ công trực tuyến", "Online public services"),
           ])


def spec() -> dict:
    """The questionnaire as plain data: what services.questionnaire_create_default() writes."""
    factors, questions = [], []
    position = 0
    for f_position, (code, title_vi, title_en, criteria) in enumerate(FACTORS, start=1):
        factors.append({"code": code, "position": f_position, "title_vi": title_vi,
                        "title_en": title_en})
        for number, (vi, en) in enumerate(criteria, start=1):
            position += 1
            questions.append({"code": f"{code}{number}", "factor": code, "kind": "criterion",
                              "position": position, "text_vi": vi, "text_en": en})
        for suffix, kind, (vi, en) in (("HL", "factor_satisfaction", FACTOR_SATISFACTION),
                                       ("KV", "expectation", FACTOR_EXPECTATION)):
            position += 1
            questions.append({"code": f"{code}.{suffix}", "factor": code, "kind": kind,
                              "position": position, "text_vi": vi.format(vi=title_vi),
                              "text_en": en.format(en=title_en.lower())})
    position += 1
    questions.append({"code": "HL", "kind": "overall", "position": position,
                      "text_vi": OVERALL[0], "text_en": OVERALL[1]})
    position += 1
    questions.append({
        "code": "TTHC", "kind": "procedure", "position": position,
        "text_vi": "Ông/Bà vừa thực hiện thủ tục thuộc lĩnh vực nào?",
        "text_en": "Which kind of procedure did you come for?",
        "options": [{"label_vi": vi, "label_en": en, "land_sector": land}
                    for vi, en, land in PROCEDURES],
    })
    code, vi, en, options = IMPROVE
    position += 1
    questions.append({"code": code, "kind": "multiple", "position": position, "text_vi": vi,
                      "text_en": en, "required": False,
                      "options": [{"label_vi": o_vi, "label_en": o_en} for o_vi, o_en in options]})
    for code, vi, en, options in PROFILE:
        position += 1
        questions.append({"code": code, "kind": "choice", "position": position, "text_vi": vi,
                          "text_en": en, "required": False,
                          "options": [{"label_vi": o_vi, "label_en": o_en}
                                      for o_vi, o_en in options]})
    return {"name": NAME, "intro_vi": INTRO_VI, "intro_en": INTRO_EN, "factors": factors,
            "questions": questions}
