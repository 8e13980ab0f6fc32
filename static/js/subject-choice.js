/* 新建填报 / Word 导入：所选表单为区级表单（data-subject="district"）时不提供“集群”栏（隐藏并停用，不随表单提交），显示填报对象为本区。 */
(function () {
  "use strict";
  const template = document.getElementById("id_template");
  const clusterField = document.getElementById("cluster-field");
  const districtField = document.getElementById("district-field");
  if (!template || !clusterField || !districtField) return;
  const cluster = document.getElementById("id_cluster");
  function update() {
    const option = template.options[template.selectedIndex];
    const districtLevel = !!option && option.dataset.subject === "district";
    clusterField.hidden = districtLevel;
    districtField.hidden = !districtLevel;
    if (cluster) {
      cluster.disabled = districtLevel;
      if (districtLevel) cluster.value = "";
    }
  }
  template.addEventListener("change", update);
  update();
})();
