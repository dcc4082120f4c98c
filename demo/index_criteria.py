"""The demo's criteria sets, in the shape of the province's decision (7 areas, 100 points):
departments 48 criteria and 89 components, communes 49 criteria and 94 components. The wording
is the project's own. A component is a text, or (text, method) where method is "levels",
"formula", or ("computed", source, param); the rest are yes/no. "!" before a text marks a line
that applies only to units handling administrative procedures.
"""

SATISFACTION = "Mức độ hài lòng của người dân, tổ chức"
ON_TIME_FILES = "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn"

DIRECTION = ("Công tác chỉ đạo, điều hành cải cách hành chính", 13, [
    ("Kế hoạch cải cách hành chính năm", [
        "Ban hành kế hoạch CCHC năm đúng thời hạn", ("Mức độ cụ thể của nhiệm vụ, sản phẩm và thời hạn trong kế hoạch", "levels")]),
    ("Thực hiện kế hoạch cải cách hành chính", [
        ("Tỷ lệ nhiệm vụ CCHC của đơn vị hoàn thành đúng hạn", ("computed", "tasks_on_time", "")),
        "Bố trí kinh phí thực hiện kế hoạch CCHC"]),
    ("Chế độ báo cáo định kỳ về cải cách hành chính", [
        ("Báo cáo tiến độ nhiệm vụ đúng hạn trên Cổng theo dõi", ("computed", "reports_in_time", "")),
        "Nội dung báo cáo quý, 6 tháng, năm đầy đủ theo hướng dẫn"]),
    ("Kiểm tra công tác cải cách hành chính", [
        "Ban hành kế hoạch kiểm tra CCHC đối với đơn vị trực thuộc", "Xử lý các vấn đề phát hiện qua kiểm tra"]),
    ("Công tác tuyên truyền cải cách hành chính", [
        "Ban hành kế hoạch tuyên truyền CCHC", ("Mức độ đa dạng của hình thức tuyên truyền", "levels")]),
    ("Sáng kiến, giải pháp mới trong cải cách hành chính", [
        "Có sáng kiến được cấp có thẩm quyền công nhận"]),
    ("Thực hiện nhiệm vụ được UBND tỉnh, Chủ tịch UBND tỉnh giao", [
        ("Tỷ lệ nhiệm vụ được giao hoàn thành đúng hạn", "formula"), "Không có nhiệm vụ quá hạn chưa có giải trình"]),
])

INSTITUTIONS = ("Cải cách thể chế", 12, [
    ("Xây dựng văn bản quy phạm pháp luật", [
        "Tham mưu ban hành văn bản đúng chương trình", ("Tỷ lệ văn bản ban hành đúng thời hạn", "formula")]),
    ("Rà soát, hệ thống hóa văn bản", [
        "Ban hành kế hoạch rà soát văn bản QPPL", "Xử lý văn bản sau rà soát theo thẩm quyền"]),
    ("Kiểm tra, xử lý văn bản", [
        "Tự kiểm tra văn bản do đơn vị tham mưu ban hành", "Xử lý kịp thời văn bản trái pháp luật"]),
    ("Theo dõi thi hành pháp luật", [
        "Ban hành kế hoạch theo dõi thi hành pháp luật", "Báo cáo kết quả theo dõi đúng hạn"]),
    ("Phổ biến, giáo dục pháp luật", [
        "Kế hoạch phổ biến, giáo dục pháp luật năm", ("Mức độ hoàn thành kế hoạch phổ biến pháp luật", "levels")]),
    ("Tổ chức thực hiện văn bản quy phạm pháp luật", [
        "Ban hành văn bản hướng dẫn thi hành kịp thời"]),
])

PROCEDURES = ("Cải cách thủ tục hành chính", 20, [
    ("Công bố, công khai thủ tục hành chính", [
        "!Tham mưu công bố danh mục TTHC đúng thời hạn", "!Công khai đầy đủ TTHC trên Cổng dịch vụ công"]),
    ("Rà soát, đơn giản hóa thủ tục hành chính", [
        "Ban hành kế hoạch rà soát, đánh giá TTHC", "!Kiến nghị phương án đơn giản hóa được chấp thuận"]),
    ("Giải quyết hồ sơ thủ tục hành chính", [
        ("!Tỷ lệ hồ sơ giải quyết đúng hạn", ("computed", "indicator", ON_TIME_FILES)),
        "!Xin lỗi bằng văn bản với 100% hồ sơ trễ hạn"]),
    ("Thực hiện cơ chế một cửa, một cửa liên thông", [
        "!Đưa 100% TTHC vào Trung tâm Phục vụ hành chính công", "!Cử công chức làm việc tại bộ phận một cửa đúng quy định"]),
    ("Tiếp nhận, xử lý phản ánh, kiến nghị", [
        "Công khai địa chỉ tiếp nhận phản ánh, kiến nghị", ("Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "formula")]),
    ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", [
        ("!Tỷ lệ hồ sơ được số hóa khi tiếp nhận", "formula"), "!Tái sử dụng dữ liệu đã số hóa"]),
    ("Đánh giá chất lượng phục vụ", [
        ("Mức độ hài lòng của người dân, tổ chức", ("computed", "indicator", SATISFACTION)), "!Công khai kết quả đánh giá chất lượng giải quyết TTHC"]),
    ("Thanh toán trực tuyến phí, lệ phí", [
        ("!Tỷ lệ hồ sơ có thanh toán trực tuyến", "formula")]),
])

APPARATUS = ("Cải cách tổ chức bộ máy hành chính nhà nước", 10, [
    ("Sắp xếp tổ chức bộ máy", [
        "Thực hiện sắp xếp tổ chức theo quy định", "Ban hành quy định chức năng, nhiệm vụ của đơn vị trực thuộc"]),
    ("Vị trí việc làm", [
        "Phê duyệt đề án vị trí việc làm", "Thực hiện đúng cơ cấu ngạch công chức"]),
    ("Quản lý biên chế", [
        "Sử dụng biên chế không vượt số được giao", ("Tỷ lệ tinh giản biên chế đạt kế hoạch", "formula")]),
    ("Phân cấp, ủy quyền", [
        "Thực hiện nhiệm vụ được phân cấp, ủy quyền", "Kiểm tra việc thực hiện nhiệm vụ phân cấp"]),
    ("Kiểm tra tổ chức, hoạt động của đơn vị trực thuộc", [
        "Kiểm tra việc thực hiện quy chế làm việc"]),
])

CIVIL_SERVICE = ("Cải cách chế độ công vụ", 15, [
    ("Tuyển dụng, sử dụng công chức", [
        "Tuyển dụng đúng quy định và vị trí việc làm", "Bổ nhiệm lãnh đạo đúng quy trình"]),
    ("Đánh giá, xếp loại công chức", [
        "Đánh giá, xếp loại theo kết quả công việc", "Công khai kết quả đánh giá"]),
    ("Đào tạo, bồi dưỡng", [
        "Ban hành kế hoạch đào tạo, bồi dưỡng", ("Tỷ lệ công chức được bồi dưỡng theo kế hoạch", "formula")]),
    ("Kỷ luật, kỷ cương hành chính", [
        "Không có công chức bị kỷ luật do vi phạm công vụ", ("Mức độ chấp hành giờ giấc, quy chế làm việc", "levels")]),
    ("Văn hóa công vụ", [
        "Ban hành quy tắc ứng xử của đơn vị", "Thực hiện quy tắc ứng xử tại bộ phận một cửa"]),
    ("Chế độ, chính sách", [
        "Thực hiện đúng chế độ tiền lương, phụ cấp", "Khen thưởng kịp thời, đúng đối tượng"]),
    ("Quản lý hồ sơ công chức", [
        "Cập nhật cơ sở dữ liệu cán bộ, công chức đầy đủ"]),
    ("Tinh thần trách nhiệm thực thi công vụ", [
        "Không có phản ánh về thái độ phục vụ được xác minh đúng"]),
])

FINANCE = ("Cải cách tài chính công", 10, [
    ("Thực hiện dự toán ngân sách", [
        ("Tỷ lệ giải ngân vốn đầu tư công", "formula"), "Quyết toán ngân sách đúng thời hạn"]),
    ("Quản lý, sử dụng tài sản công", [
        "Ban hành quy chế quản lý tài sản công", "Công khai việc sử dụng tài sản công"]),
    ("Cơ chế tự chủ tài chính", [
        "Ban hành quy chế chi tiêu nội bộ", "Giao quyền tự chủ cho đơn vị sự nghiệp"]),
    ("Thực hành tiết kiệm, chống lãng phí", [
        "Ban hành chương trình thực hành tiết kiệm", "Báo cáo kết quả thực hành tiết kiệm"]),
    ("Công khai ngân sách", [
        "Công khai dự toán, quyết toán đúng quy định"]),
])

DIGITAL = ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", 20, [
    ("Hạ tầng và nền tảng số", [
        "Kết nối mạng truyền số liệu chuyên dùng", "Bảo đảm an toàn thông tin theo cấp độ"]),
    ("Văn bản điện tử", [
        ("Tỷ lệ văn bản đi được ký số", "formula"), "Gửi, nhận văn bản qua hệ thống quản lý văn bản"]),
    ("Dịch vụ công trực tuyến", [
        ("!Tỷ lệ hồ sơ nộp trực tuyến toàn trình", "formula"), "!Cung cấp dịch vụ công trực tuyến toàn trình"]),
    ("Chế độ báo cáo điện tử", [
        "Báo cáo qua Hệ thống thông tin báo cáo của tỉnh", "Kết nối dữ liệu với hệ thống báo cáo quốc gia"]),
    ("Cơ sở dữ liệu chuyên ngành", [
        "Xây dựng cơ sở dữ liệu chuyên ngành", "Chia sẻ dữ liệu qua nền tảng tích hợp"]),
    ("Triển khai Đề án 06", [
        ("Mức độ hoàn thành nhiệm vụ Đề án 06 được giao", "levels"), "Sử dụng định danh điện tử trong giải quyết TTHC"]),
    ("Trang thông tin điện tử", [
        "Cập nhật thông tin trên trang thông tin điện tử", "Công khai thông tin theo quy định"]),
    ("Chuyển đổi số trong nội bộ", [
        "Họp trực tuyến, hồ sơ công việc điện tử", "Ứng dụng phần mềm quản lý công việc"]),
    ("Nhân lực chuyển đổi số", [
        "Bố trí cán bộ chuyên trách công nghệ thông tin", "Tập huấn kỹ năng số cho công chức"]),
])

DEPARTMENTS = [DIRECTION, INSTITUTIONS, PROCEDURES, APPARATUS, CIVIL_SERVICE, FINANCE, DIGITAL]


def _commune_area(area, extra=None, rename=None):
    name, points, criteria = area
    criteria = [(rename.get(c, c) if rename else c, comps) for c, comps in criteria]
    return (name, points, criteria + (extra or []))


# Communes: the same areas, worded for a commune; one criterion more (the one-stop shop of the
# commune) and five components more (two there, three below).
COMMUNES = [
    _commune_area(DIRECTION, rename={
        "Thực hiện nhiệm vụ được UBND tỉnh, Chủ tịch UBND tỉnh giao":
        "Thực hiện nhiệm vụ cấp tỉnh giao cho cấp xã"}),
    _commune_area(INSTITUTIONS),
    _commune_area(PROCEDURES, extra=[("Bộ phận một cửa cấp xã", [
        "!Bố trí bộ phận một cửa đủ diện tích, trang thiết bị", "!Niêm yết TTHC tại bộ phận một cửa"])]),
    _commune_area(APPARATUS),
    _commune_area(CIVIL_SERVICE),
    _commune_area(FINANCE),
    _commune_area(DIGITAL),
]
# Three single-component criteria get a second component on the commune scale.
_COMMUNE_SECONDS = {
    "Sáng kiến, giải pháp mới trong cải cách hành chính": "Nhân rộng mô hình hay của địa phương",
    "Tổ chức thực hiện văn bản quy phạm pháp luật": "Tổ chức hội nghị triển khai văn bản mới",
    "Công khai ngân sách": "Công khai ngân sách xã tại trụ sở và trên loa truyền thanh",
}
COMMUNES = [
    (name, points, [(c, comps + ([_COMMUNE_SECONDS[c]] if c in _COMMUNE_SECONDS else []))
                    for c, comps in criteria])
    for name, points, criteria in COMMUNES
]
